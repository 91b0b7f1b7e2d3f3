"""The commissions app's money source (`prm.earnings`): what a partner earned in its ledger.

A partner reads its ledger as four kinds of money — commissions on deals (with their reversals
and clawbacks), SPIFs, tier bonuses and adjustments — each pending, approved or paid. A line's
state maps onto the money's life: pending while it waits (maybe held), approved once cleared
and while it sits on a statement not yet paid, paid when its statement was. A reversal or a
clawback counts under the kind of the line it reverses, so a reopened deal nets to zero under
"Commissions".

The next payout is the tenant's payout day on or after today, when the partner has something
approved waiting for it (an approved statement not yet paid, or approved lines).
"""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.earnings import APPROVED, PAID, PENDING, Earning, MoneySource
from prm.tenancy.models import Tenant

from .models import Line, Statement
from .setup import commission_settings

S = Line.Source
L = Line.State

COMMISSIONS = _("Commissions")
SPIFS = _("SPIFs")
TIER_BONUSES = _("Tier bonuses")
ADJUSTMENTS = _("Adjustments")

#: the kind a partner reads for a line's source (a clawback: its reversed line's source)
KIND_OF_SOURCE = {
    S.DEAL.value: COMMISSIONS,
    S.CLAWBACK.value: COMMISSIONS,
    S.SPIF.value: SPIFS,
    S.TIER_BONUS.value: TIER_BONUSES,
    S.ADJUSTMENT.value: ADJUSTMENTS,
}

#: the money's state for a line's state (on a statement not yet paid: still approved)
STATE_OF_LINE = {
    L.PENDING.value: PENDING,
    L.APPROVED.value: APPROVED,
    L.STATEMENT.value: APPROVED,
    L.PAID.value: PAID,
}


def partner_lines(tenant_id: int, partner_id: int, owner_id: int | None = None) -> QuerySet[Line]:
    """The partner's ledger lines (with `owner_id`: only those of that user's own deals)."""
    lines = Line.objects.filter(tenant_id=tenant_id, partner_id=partner_id)
    if owner_id is not None:
        lines = lines.filter(owner_id=owner_id)
    return lines


def kind_of(line: Line) -> str:
    """The kind of money a line counts under, for one line already read (its `reverses`
    selected)."""
    source = line.source
    if source == S.CLAWBACK and line.reverses_id is not None and line.reverses is not None:
        source = line.reverses.source
    return str(KIND_OF_SOURCE.get(source, COMMISSIONS))


def commission_earnings(tenant: Tenant, partner_id: int, owner_id: int | None) -> list[Earning]:
    """The partner's ledger summed by kind, state and currency (one grouped query)."""
    rows = (
        partner_lines(tenant.pk, partner_id, owner_id)
        .order_by()
        .annotate(kind_source=Coalesce(F("reverses__source"), F("source")))
        .values("kind_source", "state", "currency")
        .annotate(total=Sum("amount"))
    )
    sums: dict[tuple[str, str, str], Decimal] = {}
    for row in rows:
        kind = str(KIND_OF_SOURCE.get(row["kind_source"], COMMISSIONS))
        key = (kind, STATE_OF_LINE[row["state"]], row["currency"])
        sums[key] = sums.get(key, Decimal(0)) + (row["total"] or Decimal(0))
    return [
        Earning(kind=kind, state=state, currency=currency, amount=amount)
        for (kind, state, currency), amount in sums.items()
    ]


def payout_day_from(today: date, payout_day: int) -> date:
    """The first payout day (of the month) on or after `today`."""
    if today.day <= payout_day:
        return today.replace(day=payout_day)
    if today.month == 12:
        return date(today.year + 1, 1, payout_day)
    return date(today.year, today.month + 1, payout_day)


def tenant_today(tenant: Tenant) -> date:
    """Today in the program's time zone (payout days are the tenant's days)."""
    return timezone.localdate(timezone=ZoneInfo(tenant.time_zone))


def commission_next_payout(tenant: Tenant, partner_id: int) -> date | None:
    """The tenant's next payout day when the partner has approved money waiting for it: lines
    approved, or on an approved statement not yet paid (2 queries)."""
    waiting = Line.objects.filter(
        Q(state=L.APPROVED) | Q(state=L.STATEMENT, statement__status=Statement.Status.APPROVED),
        tenant_id=tenant.pk,
        partner_id=partner_id,
    ).exists()
    if not waiting:
        return None
    return payout_day_from(tenant_today(tenant), commission_settings(tenant).payout_day)


COMMISSIONS_SOURCE = MoneySource(
    "commissions", commission_earnings, next_payout=commission_next_payout, order=10
)
