"""Funds, the questions a fund asks, allocations to partners, and the ledger of their money.

A fund is a budget for a period (a quarter or a year) in one currency. Allocations give parts
of it to partner companies (by tier or one by one) and never add up to more than the budget:
`Fund.allocated` is kept beside the allocations under the fund's row lock, and a database
constraint refuses `allocated > budget` whatever Python does.

Each allocation keeps four balances (allocated, committed, claimed, reimbursed) beside its
append-only `Movement` rows, changed only by `mdf.ledger.post` under the allocation's row lock;
a constraint refuses committed + claimed + reimbursed above allocated, so the allocation can
never be over-committed however many approvals run at once.
"""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner, Tier
from prm.tenancy.models import CURRENCIES, TenantOwned

ZERO = Decimal("0.00")


def _money(label: Any, **kwargs: Any) -> Any:
    """A money amount: 14 digits, 2 of them decimals (its currency is beside it)."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


class Fund(TenantOwned):
    """A budget partners may ask for during its request window, for activities of its period."""

    class Period(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("what it is for"),
        max_length=2000,
        blank=True,
        help_text=_("Shown to partners: which activities the fund supports, and what it expects."),
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    #: the period's first and last days (the activities it pays for take place in it)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    budget = _money(_("budget"), validators=[MinValueValidator(Decimal("0.01"))])
    #: the sum of its allocations' allocated amounts, kept under the fund's row lock
    allocated = _money(_("allocated"), default=ZERO, editable=False)
    opens_on = models.DateField(
        _("requests open"), help_text=_("The first day partners may submit requests.")
    )
    closes_on = models.DateField(
        _("requests close"), help_text=_("The last day partners may submit requests.")
    )
    collect_ahead = models.BooleanField(
        _("collect requests ahead"),
        default=False,
        help_text=_(
            "Requests may be submitted before the period starts; they wait, and CAMs review "
            "them together (a batch review) when it starts."
        ),
    )
    claim_days = models.PositiveSmallIntegerField(
        _("claim deadline (days after the activity ends)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reimbursement_cap = models.DecimalField(
        _("reimbursement cap (% of actual spend)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "A claim is reimbursed up to this share of what the partner actually spent, and "
            "never more than the approved amount."
        ),
    )
    second_approval_above = _money(
        _("second approval above"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "Requests approved for more than this amount also need a program leader's approval. "
            "Leave empty for none."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: when partners of the allocations were told the request window opened
    window_announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[models.Manager["Fund"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="mdf_fund_unique_name"),
            models.CheckConstraint(
                condition=models.Q(allocated__gte=0, allocated__lte=models.F("budget")),
                name="mdf_fund_allocated_within_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="mdf_fund_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="mdf_fund_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundQuestion(TenantOwned):
    """A question of the fund's own that every request answers (besides the standard ones)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    kind = models.CharField(_("answer"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = ArrayField(
        models.CharField(max_length=120),
        verbose_name=_("choices"),
        default=list,
        blank=True,
        help_text=_("For a choice: the options, one per line."),
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects: ClassVar[models.Manager["FundQuestion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Allocation(TenantOwned):
    """The part of a fund one partner company may ask for, and where that money stands."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="allocations")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="mdf_allocations")
    #: the tier whose amount it was given by (None: set for the partner by name)
    tier = models.ForeignKey(
        Tier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES, editable=False)
    # The balances, changed only by `mdf.ledger.post` with the movement that explains them.
    allocated = _money(_("allocated"), default=ZERO, editable=False)
    committed = _money(_("committed"), default=ZERO, editable=False)
    claimed = _money(_("claimed"), default=ZERO, editable=False)
    reimbursed = _money(_("paid"), default=ZERO, editable=False)
    #: when the partner was told it was running low (cleared when it is topped up)
    low_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[models.Manager["Allocation"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "fund", "partner"], name="mdf_allocation_one_per_partner"
            ),
            models.CheckConstraint(
                condition=models.Q(committed__gte=0, claimed__gte=0, reimbursed__gte=0),
                name="mdf_allocation_balances_not_negative",
            ),
            # Never over-committed, whatever runs at once: the last line of defence behind the
            # row lock `mdf.ledger.post` takes.
            models.CheckConstraint(
                condition=models.Q(
                    allocated__gte=models.F("committed")
                    + models.F("claimed")
                    + models.F("reimbursed")
                ),
                name="mdf_allocation_never_over_committed",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner"], name="mdf_allocation_partner_idx")]

    def __str__(self) -> str:
        return f"{self.fund} — {self.partner}"

    @property
    def available(self) -> Decimal:
        """What the partner may still ask for: allocated less everything promised or spent."""
        return self.allocated - self.committed - self.claimed - self.reimbursed


class Movement(TenantOwned):
    """One append-only line of an allocation's ledger; a correction is a `reversed` line.

    Each kind moves money between the allocation's balances (`mdf.ledger.EFFECTS`); the
    balances are always the sum of their movements' effects.
    """

    class Kind(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated")
        COMMITTED = "committed", _("Committed")
        RELEASED = "released", _("Released")
        CLAIMED = "claimed", _("Claimed")
        REIMBURSED = "reimbursed", _("Reimbursed")
        REVERSED = "reversed", _("Reversed")

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("movement"), max_length=12, choices=Kind.choices)
    #: positive, except an allocation lowered (an `allocated` line below zero)
    amount = _money(_("amount"))
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    # The source: what the money moved for (none for an allocation).
    request = models.ForeignKey(
        "MdfRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    claim = models.ForeignKey(
        "Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["Movement"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="allocated") & ~models.Q(amount=0) | models.Q(amount__gt=0),
                name="mdf_movement_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="reversed", reverses__isnull=False)
                | ~models.Q(kind="reversed") & models.Q(reverses__isnull=True),
                name="mdf_movement_reversal_names_its_line",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "allocation", "created_at"], name="mdf_movement_idx"),
            models.Index(fields=["tenant", "request"], name="mdf_movement_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"
