"""Money sources: what a partner is owed and has been paid, app by app, for the money view.

Partners ask one question of every PRM: "how much have I made, and what's coming?". The answer
spans apps that may not import each other (commissions and MDF sit on one floor), so each app
that pays partners registers a `MoneySource` in its `AppConfig.ready()`, and the portal's money
view (and the staff's view of a partner) reads them all through `earnings_of`. A source returns
its totals per kind, state and currency; amounts in different currencies are never added.

The states are the life of the money as a partner reads it: pending (earned, not yet cleared),
approved (cleared, waiting for its payout) and paid.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import Tenant

PENDING = "pending"
APPROVED = "approved"
PAID = "paid"
STATES = (PENDING, APPROVED, PAID)
STATE_LABELS = {PENDING: _("Pending"), APPROVED: _("Approved"), PAID: _("Paid")}


@dataclass(frozen=True)
class Earning:
    """What one kind of money amounts to in one state and currency."""

    kind: str | Promise  # "Commissions", "SPIFs", "MDF reimbursements"
    state: str  # PENDING, APPROVED or PAID
    currency: str
    amount: Decimal


#: (tenant, partner id, owner membership id or None) -> the partner's earnings; with an owner,
#: only what that partner user earned themselves (a rep's own deals)
EarningsOf = Callable[[Tenant, int, int | None], Iterable[Earning]]
#: (tenant, partner id) -> the day the next payout is expected, if one is due
NextPayout = Callable[[Tenant, int], date | None]


@dataclass(frozen=True)
class MoneySource:
    name: str  # "<app>", e.g. "commissions"
    earnings: EarningsOf
    next_payout: NextPayout | None = None
    order: int = 50


_SOURCES: dict[str, MoneySource] = {}


def register_money_source(source: MoneySource) -> None:
    if source.name in _SOURCES and _SOURCES[source.name] != source:
        raise ValueError(f"Money source {source.name} registered twice")
    _SOURCES[source.name] = source


def money_sources() -> list[MoneySource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.name))


def earnings_of(tenant: Tenant, partner_id: int, owner_id: int | None = None) -> list[Earning]:
    """Every source's earnings of the partner (of one of its users, with `owner_id`)."""
    found: list[Earning] = []
    for source in money_sources():
        found.extend(e for e in source.earnings(tenant, partner_id, owner_id) if e.amount)
    return found


def totals_by_state(earnings: Iterable[Earning]) -> dict[str, dict[str, Decimal]]:
    """{state: {currency: amount}}, plus "earned" (every state): sums within one currency."""
    totals: dict[str, dict[str, Decimal]] = {state: {} for state in ("earned", *STATES)}
    for earning in earnings:
        for state in ("earned", earning.state):
            bucket = totals[state]
            bucket[earning.currency] = bucket.get(earning.currency, Decimal(0)) + earning.amount
    return totals


def next_payout_of(tenant: Tenant, partner_id: int) -> date | None:
    """The earliest next payout any source expects for the partner."""
    days = [
        day
        for source in money_sources()
        if source.next_payout is not None
        and (day := source.next_payout(tenant, partner_id)) is not None
    ]
    return min(days) if days else None
