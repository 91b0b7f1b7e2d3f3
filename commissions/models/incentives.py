"""Incentives: SPIF campaigns and their awards, tier bonuses, and rewards that are not money.

A SPIF campaign pays partners of a segment for won deals that meet its rule during its period:
a fixed amount or a percent of the final amount, up to a budget. Every award, applied at once or
queued for sign-off, reserves its amount under the campaign's row lock; `awarded` is kept beside
the awards and a check constraint refuses `awarded > budget`, so awards racing each other never
exceed the budget.
"""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from deals.models import Deal, Product
from partners.models import Partner, Segment, Tier
from prm.tenancy.models import CURRENCIES, TenantOwned

from .common import money, percent
from .ledger import Line


class SpifCampaign(TenantOwned):
    """A sales incentive for a period: what earns it, what it pays, and its budget."""

    class Rule(models.TextChoices):
        PRODUCT = "product", _("Each won deal of a product")
        THRESHOLD = "threshold", _("Each won deal above an amount")
        FIRST_DEAL = "first_deal", _("A new partner's first won deal")

    class Reward(models.TextChoices):
        FIXED = "fixed", _("A fixed amount")
        PERCENT = "percent", _("A percent of the final amount")

    class SignOff(models.TextChoices):
        AUTOMATIC = "automatic", _("Paid automatically")
        MANUAL = "manual", _("Signed off by partner operations")

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    segment = models.ForeignKey(
        Segment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eligible partners"),
        help_text=_("Empty: every partner."),
    )
    rule = models.CharField(_("earned by"), max_length=12, choices=Rule.choices)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    threshold = money(_("deal amount over"), null=True, blank=True)
    reward = models.CharField(_("pays"), max_length=10, choices=Reward.choices)
    amount = money(_("amount"), null=True, blank=True)
    rate = percent(
        _("percent"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    #: of the budget, the threshold and a fixed amount; a percent reward is paid in the deal's
    #: currency and counts against the budget only for deals in this currency
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    budget = money(_("budget"), validators=[MinValueValidator(Decimal("0.01"))])
    #: what awards applied or waiting for sign-off reserve of the budget
    awarded = money(_("awarded"), default=Decimal("0.00"), editable=False)
    sign_off = models.CharField(
        _("awards are"), max_length=10, choices=SignOff.choices, default=SignOff.AUTOMATIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["SpifCampaign"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("SPIF campaign")
        verbose_name_plural = _("SPIF campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="spif_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="spif_period_in_order"
            ),
            # Never more awarded than the budget, whatever runs at once.
            models.CheckConstraint(
                condition=models.Q(awarded__lte=models.F("budget"), awarded__gte=0),
                name="spif_awarded_within_budget",
            ),
            models.CheckConstraint(
                condition=~models.Q(rule="product") | models.Q(product__isnull=False),
                name="spif_product_rule_names_product",
            ),
            models.CheckConstraint(
                condition=~models.Q(rule="threshold") | models.Q(threshold__isnull=False),
                name="spif_threshold_rule_has_threshold",
            ),
            models.CheckConstraint(
                condition=models.Q(reward="fixed", amount__isnull=False)
                | models.Q(reward="percent", rate__isnull=False),
                name="spif_reward_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.awarded


class SpifAward(TenantOwned):
    """A partner's award of a campaign for a deal; its ledger line once applied."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for sign-off")
        APPLIED = "applied", _("Applied")
        DECLINED = "declined", _("Declined")

    campaign = models.ForeignKey(SpifCampaign, on_delete=models.PROTECT, related_name="awards")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = money(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    #: what the award reserved of the campaign's budget (0 for a deal in another currency)
    reserved = money(_("reserved"), default=Decimal("0.00"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    line = models.OneToOneField(
        Line, on_delete=models.PROTECT, null=True, blank=True, related_name="spif_award"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects: ClassVar[models.Manager["SpifAward"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("SPIF award")
        verbose_name_plural = _("SPIF awards")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A deal earns a campaign once, however often its win is announced.
            models.UniqueConstraint(
                fields=["campaign", "deal"],
                condition=models.Q(deal__isnull=False),
                name="spifaward_once_per_deal",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="spifaward_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="spifaward_status_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.partner}"


class TierBonusRule(TenantOwned):
    """A bonus paid at a period's end to partners (of a tier, or all) whose metric reached a
    threshold over the period."""

    class Period(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    name = models.CharField(_("name"), max_length=150)
    tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: partners of every tier."),
    )
    #: a metric of the core registry (`prm.metrics.registry`), e.g. "deals.revenue_won"
    metric = models.CharField(_("metric"), max_length=80)
    threshold = models.DecimalField(_("at least"), max_digits=16, decimal_places=2)
    period = models.CharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.QUARTER
    )
    amount = money(_("bonus"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["TierBonusRule"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("tier bonus")
        verbose_name_plural = _("tier bonuses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="tierbonus_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Reward(TenantOwned):
    """Recognition or an invitation given to a partner: recorded and shown, not paid."""

    class Kind(models.TextChoices):
        RECOGNITION = "recognition", _("Recognition")
        EVENT = "event", _("Event invitation")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="rewards")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("message to the partner"), max_length=2000, blank=True)
    given_on = models.DateField(_("given on"))
    campaign = models.ForeignKey(
        SpifCampaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="rewards"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["Reward"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return self.title
