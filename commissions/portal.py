"""What the partner portal's money pages read: who may see which earnings, the money view's
figures, the per-deal breakdown and a line's trace.

Who sees what (the one place every portal page of this part narrows through):

- a partner admin (`portal.earnings.company`) sees the company's earnings and lines;
- a rep (`portal.earnings`) sees the earnings of their own deals, when the tenant allows it
  (`CommissionSettings.reps_see_earnings`); otherwise the Earnings entry and card are hidden
  and the pages answer 403, as for any capability the member lacks;
- vendor staff with `commissions.view` see the lines of the partners they see (a CAM: the
  partners assigned to them).

Every read is a fixed number of grouped queries, whatever the size of the ledger.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deals.models import Deal
from prm.earnings import (
    APPROVED,
    PAID,
    PENDING,
    Earning,
    earnings_of,
    next_payout_of,
    totals_by_state,
)
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from .earnings import ADJUSTMENTS, COMMISSIONS, SPIFS, TIER_BONUSES
from .models import Dispute, DisputeMessage, Line, SpifAward
from .setup import commission_settings

#: lines listed on the money view
LATEST = 10

#: the kinds in the order the money view lists them (sources of other apps follow)
KIND_ORDER = [str(COMMISSIONS), str(SPIFS), str(TIER_BONUSES), str(ADJUSTMENTS)]

_CACHE = "_commissions_sees_earnings"


def sees_earnings(membership: Membership | None) -> bool:
    """Whether the member may open the portal's money pages (remembered on the membership
    for the request: the navigation asks on every page)."""
    if membership is None or membership.partner_id is None:
        return False
    if not membership.can("portal.earnings"):
        return False
    if membership.can("portal.earnings.company"):
        return True
    cached = getattr(membership, _CACHE, None)
    if cached is None:
        cached = commission_settings(membership.tenant).reps_see_earnings
        setattr(membership, _CACHE, cached)
    return bool(cached)


def company_view(membership: Membership) -> bool:
    """Whether the member sees the whole company's money (else their own deals')."""
    return membership.can("portal.earnings.company")


def earnings_owner(membership: Membership) -> int | None:
    """The owner the member's earnings narrow to: None for the company, else themselves."""
    return None if company_view(membership) else membership.pk


def lines_visible_to(membership: Membership) -> QuerySet[Line]:
    """The tenant's ledger lines this member may see (none for a member without access)."""
    lines = Line.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("commissions.view"):
        return lines.filter(partner__in=visible_partners(membership))
    if not sees_earnings(membership):
        return lines.none()
    partner_id = membership.partner_id
    assert partner_id is not None  # sees_earnings: a partner user
    if company_view(membership):
        return lines.filter(partner_id=partner_id)
    return lines.filter(partner_id=partner_id, owner=membership)


def disputes_visible_to(membership: Membership) -> QuerySet[Dispute]:
    """The disputes this member may see: staff those of the partners they see; partner users
    those about lines they may see."""
    disputes = Dispute.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("commissions.view"):
        return disputes.filter(partner__in=visible_partners(membership))
    return disputes.filter(line__in=lines_visible_to(membership))


# -- the money view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTiles:
    """The four figures of one currency."""

    currency: str
    earned: Decimal
    pending: Decimal
    approved: Decimal
    paid: Decimal


@dataclass(frozen=True)
class KindRow:
    """One kind of money in one currency, by state."""

    kind: str | Promise
    currency: str
    pending: Decimal
    approved: Decimal
    paid: Decimal

    @property
    def earned(self) -> Decimal:
        return self.pending + self.approved + self.paid


@dataclass
class Money:
    """Everything the money view and the home card show."""

    tiles: list[CurrencyTiles]
    kinds: list[KindRow]
    next_payout: date | None
    latest: list[Line] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.tiles


def tiles_of(earnings: list[Earning]) -> list[CurrencyTiles]:
    """The figures per currency, the tenant's busiest currency first (by what was earned)."""
    totals = totals_by_state(earnings)
    currencies = sorted(totals["earned"], key=lambda c: (-abs(totals["earned"][c]), c))
    zero = Decimal("0.00")
    return [
        CurrencyTiles(
            currency=c,
            earned=totals["earned"][c],
            pending=totals[PENDING].get(c, zero),
            approved=totals[APPROVED].get(c, zero),
            paid=totals[PAID].get(c, zero),
        )
        for c in currencies
    ]


def kinds_of(earnings: list[Earning]) -> list[KindRow]:
    """The earnings per kind and currency (commissions, SPIFs, bonuses, adjustments, then the
    other apps' kinds such as MDF reimbursements)."""
    grouped: dict[tuple[str, str], dict[str, Decimal]] = {}
    labels: dict[str, str | Promise] = {}
    for earning in earnings:
        kind = str(earning.kind)
        labels.setdefault(kind, earning.kind)
        states = grouped.setdefault((kind, earning.currency), {})
        states[earning.state] = states.get(earning.state, Decimal(0)) + earning.amount

    def order(key: tuple[str, str]) -> tuple[int, str, str]:
        kind, currency = key
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        return (rank, kind, currency)

    zero = Decimal("0.00")
    return [
        KindRow(
            kind=labels[kind],
            currency=currency,
            pending=states.get(PENDING, zero),
            approved=states.get(APPROVED, zero),
            paid=states.get(PAID, zero),
        )
        for (kind, currency), states in sorted(grouped.items(), key=lambda i: order(i[0]))
    ]


def latest_lines(lines: QuerySet[Line], count: int = LATEST) -> list[Line]:
    """The lines earned last (a reversal is earned the day it is recorded), with what their
    rows show (one query)."""
    return list(lines.select_related("deal", "reverses").order_by("-earned_on", "-id")[:count])


def money_of(membership: Membership, *, latest: int = LATEST) -> Money:
    """The member's money: the company's for a partner admin, their own deals' for a rep."""
    assert membership.partner_id is not None
    earnings = earnings_of(membership.tenant, membership.partner_id, earnings_owner(membership))
    return Money(
        tiles=tiles_of(earnings),
        kinds=kinds_of(earnings),
        next_payout=next_payout_of(membership.tenant, membership.partner_id),
        latest=latest_lines(lines_visible_to(membership), latest) if latest else [],
    )


def partner_money(membership: Membership, partner_id: int, *, latest: int = 5) -> Money:
    """A partner's money as its staff see it (the partner page's section)."""
    earnings = earnings_of(membership.tenant, partner_id, None)
    lines = lines_visible_to(membership).filter(partner_id=partner_id)
    return Money(
        tiles=tiles_of(earnings),
        kinds=kinds_of(earnings),
        next_payout=next_payout_of(membership.tenant, partner_id),
        latest=latest_lines(lines, latest) if latest else [],
    )


# -- the per-deal breakdown --------------------------------------------------------------------

#: sources counted in a deal's commission (its accruals, their reversals and clawbacks)
DEAL_SOURCES = (Line.Source.DEAL, Line.Source.CLAWBACK)


def earning_deals(membership: Membership) -> QuerySet[Deal]:
    """The deals that earned the member's company (a rep: their own), the latest won first."""
    lines = lines_visible_to(membership).filter(deal=OuterRef("pk"))
    if membership.partner_id is None:
        return Deal.objects.none()
    return (
        Deal.objects.filter(tenant_id=membership.tenant_id, partner_id=membership.partner_id)
        .filter(Exists(lines))
        .order_by("-closed_on", "-id")
    )


@dataclass
class DealRow:
    """One deal of the breakdown: its commission per currency (net of reversals), the state of
    the line that stands, and its SPIF awards."""

    deal: Deal
    standing: dict[str, Decimal]
    state: str
    state_label: str | Promise
    lines: list[Line]
    awards: list[SpifAward]


def deal_rows(membership: Membership, deals: list[Deal]) -> list[DealRow]:
    """The rows of one page of deals (two queries: their lines, their SPIF awards)."""
    ids = [d.pk for d in deals]
    by_deal: dict[int, list[Line]] = {pk: [] for pk in ids}
    for line in (
        lines_visible_to(membership)
        .filter(deal_id__in=ids, source__in=DEAL_SOURCES)
        .order_by("created_at", "id")
    ):
        assert line.deal_id is not None
        by_deal[line.deal_id].append(line)
    awards: dict[int, list[SpifAward]] = {pk: [] for pk in ids}
    for award in (
        SpifAward.objects.filter(
            tenant_id=membership.tenant_id, partner_id=membership.partner_id or 0, deal_id__in=ids
        )
        .select_related("campaign")
        .order_by("id")
    ):
        assert award.deal_id is not None
        awards[award.deal_id].append(award)
    rows = []
    for deal in deals:
        lines = by_deal[deal.pk]
        standing: dict[str, Decimal] = {}
        for line in lines:
            standing[line.currency] = standing.get(line.currency, Decimal(0)) + line.amount
        reversed_ids = {line.reverses_id for line in lines if line.reverses_id}
        open_lines = [
            line for line in lines if line.reverses_id is None and line.pk not in reversed_ids
        ]
        current = open_lines[-1] if open_lines else None
        rows.append(
            DealRow(
                deal=deal,
                standing=standing,
                state=current.state if current else "reversed",
                state_label=current.get_state_display() if current else _("Reversed"),
                lines=lines,
                awards=awards[deal.pk],
            )
        )
    return rows


# -- a line's page -----------------------------------------------------------------------------


@dataclass
class LineTrace:
    """A line and everything that explains it."""

    line: Line
    reversal: Line | None
    disputes: list[Dispute]
    open_dispute: Dispute | None


def line_trace(line: Line) -> LineTrace:
    """The line's reversal and its disputes with their messages (two queries)."""
    reversal = (
        Line.objects.filter(tenant_id=line.tenant_id, reverses=line).select_related("actor").first()
    )
    disputes = list(
        Dispute.objects.filter(tenant_id=line.tenant_id, line=line)
        .select_related("raised_by__user")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=DisputeMessage.objects.filter(tenant_id=line.tenant_id).select_related(
                    "author", "adjustment"
                ),
            )
        )
        .order_by("created_at", "id")
    )
    open_dispute = next((d for d in disputes if d.status == Dispute.Status.OPEN), None)
    return LineTrace(line=line, reversal=reversal, disputes=disputes, open_dispute=open_dispute)
