"""Onboarding: the checklist plans per partner type, and each partner's way through its plan."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned

from .companies import Partner, PartnerType


class OnboardingPlan(TenantOwned):
    """The ordered checklist a partner works through while onboarding: one per partner type,
    and at most one default plan (no type) for partners whose type has no plan of its own."""

    name = models.CharField(_("name"), max_length=120)
    partner_type = models.ForeignKey(
        PartnerType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="onboarding_plans",
        verbose_name=_("partner type"),
        help_text=_("Leave empty for the default plan of partners whose type has no plan."),
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to partners above the checklist.")
    )
    stalled_after_days = models.PositiveSmallIntegerField(
        _("stalled after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "When no step was completed for this many days, the partner's admins and CAMs are "
            "reminded of the next step."
        ),
    )

    objects: ClassVar[models.Manager["OnboardingPlan"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_type"],
                condition=models.Q(partner_type__isnull=False),
                name="onboardingplan_one_per_type",
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(partner_type__isnull=True),
                name="onboardingplan_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OnboardingStep(TenantOwned):
    """One step of a plan: it ticks itself when its event happens, or a CAM ticks it."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        MANUAL = "manual", _("Manual")

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=150)
    description = models.CharField(
        _("what the partner does"), max_length=500, blank=True, help_text=_("Shown to partners.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.AUTOMATIC,
        help_text=_(
            "Automatic steps tick themselves when their event happens; CAMs tick manual ones."
        ),
    )
    #: the event that ticks an automatic step (empty for manual steps)
    event = models.CharField(_("event"), max_length=100, blank=True)

    objects: ClassVar[models.Manager["OnboardingStep"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="automatic") & ~models.Q(event=""))
                | (models.Q(kind="manual") & models.Q(event="")),
                name="onboardingstep_event_iff_automatic",
                violation_error_message=_(
                    "An automatic step needs an event; a manual one has none."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_manual(self) -> bool:
        return self.kind == self.Kind.MANUAL


class PartnerOnboarding(TenantOwned):
    """A partner's way through its plan: when it started and, once every step is done, when it
    completed (the time to complete onboarding)."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="onboarding", verbose_name=_("partner")
    )
    # Protected: a plan partners followed keeps their history; edit it instead of deleting it.
    plan = models.ForeignKey(
        OnboardingPlan, on_delete=models.PROTECT, related_name="onboardings", verbose_name=_("plan")
    )
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects: ClassVar[models.Manager["PartnerOnboarding"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner onboarding")
        verbose_name_plural = _("partner onboardings")
        ordering = ["-started_at", "pk"]

    def __str__(self) -> str:
        return str(_("Onboarding of %(partner)s") % {"partner": self.partner})

    @property
    def days_to_complete(self) -> int | None:
        if self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).days


class StepCompletion(TenantOwned):
    """A step a partner completed: when, and by which event or which member."""

    onboarding = models.ForeignKey(
        PartnerOnboarding, on_delete=models.CASCADE, related_name="completions"
    )
    step = models.ForeignKey(OnboardingStep, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed"))
    #: the event that ticked the step; empty when a member ticked it
    event = models.CharField(_("event"), max_length=100, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_by_label = models.CharField(_("ticked by"), max_length=254, blank=True)
    #: why a member ticked the step by hand (required when it is an automatic step)
    note = models.CharField(_("why it was ticked by hand"), max_length=500, blank=True)

    objects: ClassVar[models.Manager["StepCompletion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("completed step")
        verbose_name_plural = _("completed steps")
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "step"], name="stepcompletion_once_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.completed_at:%Y-%m-%d})"
