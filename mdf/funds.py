"""Reads of funds, allocations and their ledgers for the admin UI, narrowed to what the member
sees: every partner for program leaders and partner operations, a CAM's assigned partners for a
CAM (`mdf.access.allocations_visible_to`). Totals are sums in SQL over the rows the member
sees, so a CAM's fund overview adds up over their partners only.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from prm.tenancy.models import Membership

from .access import allocations_visible_to, requests_visible_to
from .ledger import BALANCES
from .models import Allocation, Fund, MdfRequest, Movement
from .roi import Roi, roi_by

ZERO = Decimal("0.00")
_MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=16, decimal_places=2)


def funds_visible_to(membership: Membership) -> QuerySet[Fund]:
    """The tenant's funds, for staff who see MDF (none for anyone else)."""
    funds = Fund.objects.filter(tenant_id=membership.tenant_id)
    return funds if membership.can("mdf.view") else funds.none()


def fund_allocations(membership: Membership, fund: Fund) -> QuerySet[Allocation]:
    """The fund's allocations the member sees, by partner name, with what their rows show."""
    return (
        allocations_visible_to(membership)
        .filter(fund=fund)
        .select_related("partner", "partner__tier", "tier")
        .order_by("partner__name", "pk")
    )


@dataclass(frozen=True)
class Balances:
    """A fund's money (over the allocations a member sees), in the fund's currency."""

    currency: str
    budget: Decimal
    allocated: Decimal
    committed: Decimal
    claimed: Decimal
    reimbursed: Decimal
    #: how many allocations the figures add up
    partners: int

    @property
    def unallocated(self) -> Decimal:
        """The budget not given to any partner (of the whole fund: a CAM sees it too)."""
        return max(self.budget - self.allocated, ZERO)

    @property
    def available(self) -> Decimal:
        """Allocated and not yet committed, claimed or paid."""
        return self.allocated - self.committed - self.claimed - self.reimbursed

    @property
    def used(self) -> Decimal:
        """Committed, claimed and paid: what approvals took of the allocations."""
        return self.committed + self.claimed + self.reimbursed

    @property
    def commitment_rate(self) -> Decimal | None:
        """Committed, claimed and paid ÷ allocated, in percent (None when nothing allocated)."""
        return percent(self.used, self.allocated)

    @property
    def claim_rate(self) -> Decimal | None:
        """Claimed and paid ÷ approved (what approvals took), in percent."""
        return percent(self.claimed + self.reimbursed, self.used)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` of `whole` in percent, one decimal; None when `whole` is nothing."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def fund_balances(membership: Membership, fund: Fund) -> Balances:
    """The fund's four balances summed over the allocations the member sees (one query)."""
    row = (
        fund_allocations(membership, fund)
        .order_by()
        .aggregate(
            n=Count("pk"),
            **{name: Coalesce(Sum(name), Value(ZERO), output_field=_MONEY) for name in BALANCES},
        )
    )
    return Balances(
        currency=fund.currency,
        budget=fund.budget,
        allocated=row["allocated"],
        committed=row["committed"],
        claimed=row["claimed"],
        reimbursed=row["reimbursed"],
        partners=row["n"],
    )


def fund_requests(membership: Membership, fund: Fund) -> QuerySet[MdfRequest]:
    """The fund's requests the member sees."""
    return requests_visible_to(membership).filter(fund=fund)


def request_status_counts(membership: Membership, fund: Fund) -> dict[str, int]:
    """How many of the fund's requests the member sees are in each status (one query)."""
    rows = fund_requests(membership, fund).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def fund_roi(membership: Membership, fund: Fund) -> Roi:
    """The fund's return over the requests the member sees (one query)."""
    found = roi_by(fund_requests(membership, fund), "fund_id").get((fund.pk, fund.currency))
    return found or Roi(currency=fund.currency, spend=ZERO, pipeline=ZERO, revenue=ZERO, leads=0)


def partner_rois(membership: Membership, fund: Fund, partner_ids: list[int]) -> dict[int, Roi]:
    """The return per partner of `partner_ids` on this fund (one query)."""
    requests = fund_requests(membership, fund).filter(partner_id__in=partner_ids)
    return {
        key: roi
        for (key, currency), roi in roi_by(requests, "partner_id").items()
        if currency == fund.currency and isinstance(key, int)
    }


def allocation_movements(allocation: Allocation) -> QuerySet[Movement]:
    """The allocation's ledger lines, oldest first, with their actor, source and the line a
    reversal undoes."""
    return (
        Movement.objects.filter(tenant_id=allocation.tenant_id, allocation=allocation)
        .select_related("actor", "request", "claim", "reverses")
        .order_by("created_at", "pk")
    )


def with_available(allocations: QuerySet[Allocation]) -> QuerySet[Allocation]:
    """`allocations` annotated with `left` (available), so a list can sort by it."""
    return allocations.annotate(
        left=F("allocated") - F("committed") - F("claimed") - F("reimbursed")
    )
