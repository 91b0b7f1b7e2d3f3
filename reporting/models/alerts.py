"""KPI threshold alerts: the rules leaders and partner operations make, the alerts the sweep
opens and resolves per (rule, subject), and each alert's history.

An alert is one episode: it opens when its rule's condition starts holding for a subject (the
program, a partner, a CAM's portfolio), stays open (acknowledged or not, maybe snoozed) while it
holds, and resolves when it stops holding (with the rule's margin, or after its number of
evaluations in a row). A partial unique constraint keeps one unresolved alert per rule and
subject, so two sweeps at once can never open the same alert twice; a later episode is a new
row, and the earlier ones stay as the subject's history.
"""

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import Membership, TenantOwned


class AlertRule(TenantOwned):
    """A KPI, a scope, a comparison, a value and a window; who is told, and how."""

    class Scope(models.TextChoices):
        PROGRAM = "program", _("The whole program")
        PARTNER = "partner", _("Each partner")
        TIER = "tier", _("Each partner of a tier")
        SEGMENT = "segment", _("Each partner of a segment")
        CAM = "cam", _("Each CAM's portfolio")

    class Comparison(models.TextChoices):
        BELOW = "below", _("Below")
        ABOVE = "above", _("Above")
        DROP = "drop", _("Drops by more than (%) against the previous period")
        RISE = "rise", _("Rises by more than (%) against the previous period")
        BELOW_TIER = "below_tier", _("Below the tier's requirement")

    class Window(models.TextChoices):
        MONTH = "month", _("This month to date")
        QUARTER = "quarter", _("This quarter to date")
        YEAR = "year", _("This year to date")
        TRAILING = "trailing", _("The last N days")

    class Owner(models.TextChoices):
        CAMS = "cams", _("The partner's CAMs")
        USER = "user", _("A named person")
        LEADERS = "leaders", _("The program leaders")

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app only")
        EMAIL = "email", _("In the app and by email")
        DIGEST = "digest", _("In the app and in the daily email digest")

    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("metric"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    tier = models.ForeignKey(
        "partners.Tier", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("tier")
    )
    segment = models.ForeignKey(
        "partners.Segment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("segment"),
    )
    comparison = models.CharField(_("comparison"), max_length=12, choices=Comparison.choices)
    threshold = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    window = models.CharField(_("window"), max_length=10, choices=Window.choices)
    trailing_days = models.PositiveSmallIntegerField(
        _("days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    from_week = models.PositiveSmallIntegerField(
        _("from week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(52)],
        help_text=_("Optional: evaluate only from this week of the period on (week 1 starts on "
                    "its first day)."),
    )  # fmt: skip
    resolve_margin = models.DecimalField(
        _("resolve margin"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("An open alert resolves as soon as the value is better than the threshold "
                    "by this much (0: not by a margin)."),
    )  # fmt: skip
    resolve_after = models.PositiveSmallIntegerField(
        _("resolve after"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("…or after this many evaluations in a row in which the condition did not "
                    "hold."),
    )  # fmt: skip
    owner = models.CharField(_("who is told"), max_length=10, choices=Owner.choices)
    owner_member = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    channel = models.CharField(
        _("how"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A paused rule is not evaluated.")
    )
    #: the seeded rule this is ("inactive_partner"), so seeding twice adds nothing; "" for others
    seed_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["AlertRule"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "seed_key"],
                condition=~Q(seed_key=""),
                name="alertrule_seeded_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Alert(TenantOwned):
    """One episode of a rule holding for one subject."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    #: "program", "partner:<id>" or "cam:<membership id>"
    subject_key = models.CharField(max_length=40)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    cam = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_label = models.CharField(_("about"), max_length=200)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    #: the latest value and the threshold it was compared with (the tier's own minimum for a
    #: "below the tier's requirement" rule; for a change rule the value is the change in %)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    opened_at = models.DateTimeField()
    last_evaluated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    #: evaluations in a row in which the condition did not hold (hysteresis)
    clear_streak = models.PositiveSmallIntegerField(default=0)
    #: who is told and who sees it: membership ids, set when the alert opened and refreshed by
    #: every sweep while it is unresolved (the partner's CAMs of the day)
    owner_ids = ArrayField(models.BigIntegerField(), default=list)
    acknowledged_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    #: the last day owners were told (fired or reminded), for the weekly reminder
    notified_on = models.DateField()
    #: the sweep that opened it: a sweep reads back only the alerts it inserted itself
    sweep = models.UUIDField()
    #: when a sweep last wrote the row (the real clock, whatever day it evaluated "as of"): a
    #: sweep leaves alone a row another sweep wrote after it started
    swept_at = models.DateTimeField()

    objects: ClassVar[models.Manager["Alert"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=~Q(state="resolved"),
                name="alert_one_unresolved_per_subject",
            )
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="alert_tenant_state")]

    def __str__(self) -> str:
        return f"{self.rule.name}: {self.subject_label}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED


class AlertEvent(TenantOwned):
    """A line of an alert's history: fired, acknowledged, snoozed, reminded, resolved."""

    class Kind(models.TextChoices):
        FIRED = "fired", _("Fired")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        SNOOZED = "snoozed", _("Snoozed")
        REMINDED = "reminded", _("Owners reminded")
        RESOLVED = "resolved", _("Resolved")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    objects: ClassVar[models.Manager["AlertEvent"]] = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["at", "id"]
