"""A tenant's MDF settings (one row per tenant, made when the tenant is created)."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class MdfSettings(TenantOwned):
    """Who may ask for funds, how long a CAM has to decide, and the running numbers.

    `last_request_number` / `last_claim_number` give each tenant its own MDF-000001 and
    CL-000001: the services take the row's lock to number a request or claim, so two partners
    filing at once get consecutive numbers and a rolled-back one gives its number back.
    """

    reps_may_request = models.BooleanField(
        _("partner reps may request funds"),
        default=False,
        help_text=_(
            "Off: only partner admins file requests and claims for their company. On: reps may "
            "too (each sees their own requests; partner admins see all of the company's)."
        ),
    )
    sla_hours = models.PositiveSmallIntegerField(
        _("decision target (business hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "Time a CAM has to decide a submitted request or claim. Business hours are the hours "
            "of Monday to Friday in the program's time zone."
        ),
    )
    escalation_hours = models.PositiveSmallIntegerField(
        _("escalate to program leaders after (business hours past the target)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    low_balance_percent = models.PositiveSmallIntegerField(
        _("warn when an allocation's available balance falls below (%)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    last_request_number = models.PositiveIntegerField(default=0, editable=False)
    last_claim_number = models.PositiveIntegerField(default=0, editable=False)
    last_batch_number = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[models.Manager["MdfSettings"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("MDF settings")
        verbose_name_plural = _("MDF settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="mdfsettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("MDF settings"))
