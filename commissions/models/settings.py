"""A tenant's commission settings (one row per tenant, made when the tenant is created)."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class CommissionSettings(TenantOwned):
    """How often statements are made, how long new lines wait, who sees earnings, and the
    running numbers (the services take the row's lock to number a statement or batch)."""

    class Period(models.TextChoices):
        MONTH = "month", _("Monthly")
        QUARTER = "quarter", _("Quarterly")

    statement_period = models.CharField(
        _("statement period"), max_length=10, choices=Period.choices, default=Period.MONTH
    )
    hold_days = models.PositiveSmallIntegerField(
        _("hold new lines for (days)"),
        default=0,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "A line stays pending this many days after the win before it can be approved "
            "(for returns and cancellations). 0: no hold."
        ),
    )
    auto_approve = models.BooleanField(
        _("approve lines when their hold ends"),
        default=True,
        help_text=_(
            "On: a line is approved by itself when its hold ends and goes on the next "
            "statement. Off: partner operations approve each line."
        ),
    )
    reps_see_earnings = models.BooleanField(
        _("partner reps see the earnings of their own deals"),
        default=False,
        help_text=_("Partner admins always see their company's earnings and statements."),
    )
    payout_day = models.PositiveSmallIntegerField(
        _("payout day of the month"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Partners read “next payout on …” from it: approved statements are paid then."),
    )
    last_statement_number = models.PositiveIntegerField(default=0, editable=False)
    last_batch_number = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[models.Manager["CommissionSettings"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("commission settings")
        verbose_name_plural = _("commission settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="commissionsettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Commission settings"))
