"""A tenant's training settings (one row per tenant, made when the tenant is created)."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class TrainingSettings(TenantOwned):
    """How quizzes reveal their answers and when learners are reminded of a course left aside."""

    class Reveal(models.TextChoices):
        AFTER_PASSING = "after_passing", _("After the learner passes the quiz")
        NEVER = "never", _("Never")

    reveal_answers = models.CharField(
        _("show the correct answers"),
        max_length=15,
        choices=Reveal.choices,
        default=Reveal.AFTER_PASSING,
        help_text=_(
            "A failed attempt shows only which questions to review, never the right choices. "
            "Choose Never if the same quiz doubles as a certification exam."
        ),
    )
    untouched_days = models.PositiveSmallIntegerField(
        _("remind a learner of a started course after (days untouched)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("One reminder per course and step; finishing a module starts the clock again."),
    )

    objects: ClassVar[models.Manager["TrainingSettings"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="trainingsettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Training settings"))
