"""The commission ledger: append-only lines of what a partner earned, each with its source.

A line's amount, currency and source never change; a correction is a reversing line (the
negation, naming the line it reverses, with its reason). What moves is the line's state, the
life of the money: pending (accrued, maybe held) → approved → on a statement → paid.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from deals.models import Deal
from partners.models import Partner, PartnerType, Tier
from prm.api import sync
from prm.money import format_money
from prm.tenancy.models import CURRENCIES, Membership, TenantOwned

from .common import money
from .plans import PlanVersion


class Line(TenantOwned):
    """One line of a partner's commission ledger."""

    class Source(models.TextChoices):
        DEAL = "deal", _("Deal commission")
        SPIF = "spif", _("SPIF")
        TIER_BONUS = "tier_bonus", _("Tier bonus")
        ADJUSTMENT = "adjustment", _("Adjustment")
        CLAWBACK = "clawback", _("Clawback")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        STATEMENT = "statement", _("On a statement")
        PAID = "paid", _("Paid")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="commission_lines")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    #: signed: a reversal or a clawback is below zero; never zero
    amount = money(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    #: the day the money was earned: a deal's close date, an award's day, a bonus period's end;
    #: a statement takes the lines earned up to its period's end
    earned_on = models.DateField(_("earned on"))
    #: pending until this day at least (the tenant's hold after the win); None: no hold
    hold_until = models.DateField(_("held until"), null=True, blank=True)
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="commission_lines"
    )
    #: the deal's registrant, so a rep sees the earnings of their own deals
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    #: the partner's type and tier when the deal was won (what its rate was chosen by)
    partner_type = models.ForeignKey(
        PartnerType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: how the amount was worked out (`commissions.engine.Calculation.basis`), for the trace
    basis = models.JSONField(default=dict, blank=True)
    #: what makes the line once only (see `commissions.ledger`): "won:<deal>:<version>:<rev>",
    #: "spif:<award>", "bonus:<rule>:<partner>:<period>", "recalc:<deal>:<run>"; "" when any
    #: number of such lines may exist (adjustments, reversals)
    key = models.CharField(max_length=120, blank=True, default="")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    #: kept by a database trigger on every write (prm.api.sync). A line's money never changes,
    #: but its state and statement do (approved, on a statement, paid): the API's sync pages
    #: follow this, so a CRM sees a line become paid without reading the whole ledger again.
    updated_at = sync.updated_at_field()
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        "Statement", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )

    objects: ClassVar[models.Manager["Line"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        ordering = ["-earned_on", "-id"]
        constraints = [
            # The won event delivered twice, or two wins racing, add one line: the second
            # INSERT is refused here whatever happened in Python.
            models.UniqueConstraint(
                fields=["tenant", "key"],
                condition=~models.Q(key=""),
                name="commissionline_once_per_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="commissionline_amount_not_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["statement", "paid"], statement__isnull=False)
                | models.Q(state__in=["pending", "approved"], statement__isnull=True),
                name="commissionline_statement_matches_state",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="deal") | models.Q(deal__isnull=False),
                name="commissionline_deal_source_names_deal",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner", "state"], name="commissionline_state_idx"),
            models.Index(fields=["tenant", "deal"], name="commissionline_deal_idx"),
            models.Index(fields=["tenant", "statement"], name="commissionline_statement_idx"),
            models.Index(fields=["tenant", "earned_on"], name="commissionline_earned_idx"),
            # The API's sync pages: (updated_at, id) > cursor, within the tenant.
            models.Index(fields=["tenant", "updated_at", "id"], name="commissionline_sync_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {format_money(self.amount, self.currency)}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
