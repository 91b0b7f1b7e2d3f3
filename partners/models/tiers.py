"""Tiers: the levels of the program, their requirements, and the proposals to move a partner."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned

from .companies import Partner


class Tier(TenantOwned):
    """A level of the program. Requirements name metrics; benefits are read by later apps."""

    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("Higher is better: 1 for the entry tier, then 2, 3, ...")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    commission_rate = models.DecimalField(
        _("commission rate (%)"), max_digits=5, decimal_places=2, default=0
    )
    mdf_allowance = models.DecimalField(
        _("MDF allowance per year"), max_digits=14, decimal_places=2, default=0
    )
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)

    objects: ClassVar[models.Manager["Tier"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rank"], name="tier_unique_rank"),
            models.UniqueConstraint(fields=["tenant", "name"], name="tier_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TierRequirement(TenantOwned):
    """To be in a tier, a partner's metric (over the last 12 months) must reach the threshold."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    metric = models.CharField(_("metric"), max_length=100)
    threshold = models.DecimalField(_("at least"), max_digits=14, decimal_places=2)

    objects: ClassVar[models.Manager["TierRequirement"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["tier", "metric"], name="tierrequirement_unique_metric")
        ]

    def __str__(self) -> str:
        return f"{self.metric} ≥ {self.threshold}"


class TierProposal(TenantOwned):
    """The nightly evaluation's suggestion to move a partner to another tier."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        WITHDRAWN = "withdrawn", _("No longer applies")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tier_proposals")
    from_tier = models.ForeignKey(
        Tier, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="+")
    is_promotion = models.BooleanField(_("promotion"))
    #: the metric values the proposal was based on, as text
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects: ClassVar[models.Manager["TierProposal"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(status="pending"),
                name="tierproposal_one_pending_per_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_tier or '—'} → {self.to_tier}"
