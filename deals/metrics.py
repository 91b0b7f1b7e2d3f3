"""The deals app's metrics, registered in the core registry (prm.metrics).

Money metrics are in the tenant's default currency: amounts are summed per partner and currency
in the database, then each currency's sum is converted at the tenant's exchange rate in force on
the period's last day (`prm.exchange.rates`: reporting only, no deal's amount changes). A
currency without a rate on that day is left out, never guessed. One query for the sums and one
for the rates, however many partners and currencies.
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from prm.exchange.rates import convert, rates_on
from prm.metrics.periods import Period
from prm.metrics.registry import ByPartner, Metric, register
from prm.tenancy.models import Tenant

from .models import Deal

S = Deal.Status
_DECIDED = [S.APPROVED, S.WON, S.LOST, S.EXPIRED]


def _registered(tenant: Tenant, period: Period, ids: list[int]) -> QuerySet[Deal]:
    return Deal.objects.filter(
        tenant=tenant,
        partner_id__in=ids,
        submitted_at__date__gte=period.start,
        submitted_at__date__lte=period.end,
    )


def _won(tenant: Tenant, period: Period, ids: list[int]) -> QuerySet[Deal]:
    return Deal.objects.filter(
        tenant=tenant,
        partner_id__in=ids,
        status=S.WON,
        closed_on__gte=period.start,
        closed_on__lte=period.end,
    )


def _per_partner(rows: QuerySet[Any, dict[str, Any]], value: str) -> dict[int, Decimal]:
    return {row["partner_id"]: Decimal(row[value] or 0) for row in rows}


def _aggregate(
    source: Callable[[Tenant, Period, list[int]], QuerySet[Deal]], **annotation: object
) -> ByPartner:
    def by_partner(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
        rows = source(tenant, period, ids).order_by().values("partner_id").annotate(**annotation)
        return _per_partner(rows, next(iter(annotation)))

    return by_partner


def _in_tenant_currency(
    source: Callable[[Tenant, Period, list[int]], QuerySet[Deal]], field: str
) -> ByPartner:
    """Each partner's sum of `field` in the tenant's currency at the rates of the period's last
    day (see the module); a partner whose amounts all lack a rate is absent (0)."""

    def by_partner(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
        rows = (
            source(tenant, period, ids)
            .order_by()
            .values("partner_id", "currency")
            .annotate(total=Sum(field))
        )
        amounts: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for row in rows:
            amounts[row["partner_id"]][row["currency"]] = Decimal(row["total"] or 0)
        # Asked even when every sum is in the default currency: the same queries whatever the data.
        rates = rates_on(tenant, period.end)
        return {
            partner: convert(sums, rates, tenant.default_currency).amount
            for partner, sums in amounts.items()
        }

    return by_partner


def _win_rate(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    closed = Deal.objects.filter(
        tenant=tenant,
        partner_id__in=ids,
        status__in=[S.WON, S.LOST],
        closed_on__gte=period.start,
        closed_on__lte=period.end,
    )
    rows = (
        closed.order_by()
        .values("partner_id")
        .annotate(won=Count("id", filter=Q(status=S.WON)), all=Count("id"))
    )
    return {
        row["partner_id"]: (Decimal(100) * row["won"] / row["all"]).quantize(Decimal("0.1"))
        for row in rows
        if row["all"]
    }


for metric in [
    Metric(
        name="deals.registered",
        label=_("deals registered"),
        label_one=_("deal registered"),
        unit="count",
        description=_("Registrations submitted in the period."),
        by_partner=_aggregate(_registered, n=Count("id")),
    ),
    Metric(
        name="deals.pipeline_registered",
        label=_("pipeline registered"),
        unit="money",
        description=_(
            "Amounts of the registrations submitted in the period, in the tenant's currency at "
            "the rates in force on the period's last day; currencies without a rate are left out."
        ),
        by_partner=_in_tenant_currency(_registered, "amount"),
    ),
    Metric(
        name="deals.won",
        label=_("deals won"),
        label_one=_("deal won"),
        unit="count",
        description=_("Deals closed as won in the period."),
        by_partner=_aggregate(_won, n=Count("id")),
    ),
    Metric(
        name="deals.revenue_won",
        label=_("revenue won"),
        unit="money",
        description=_(
            "Final amounts of the deals won in the period, in the tenant's currency at the rates "
            "in force on the period's last day; currencies without a rate are left out."
        ),
        by_partner=_in_tenant_currency(_won, "won_amount"),
    ),
    Metric(
        name="deals.win_rate",
        label=_("win rate"),
        unit="percent",
        description=_("Deals won among the deals closed (won or lost) in the period."),
        by_partner=_win_rate,
    ),
]:
    register(metric)
