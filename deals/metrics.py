"""The deals app's metrics, registered in the core registry (prm.metrics).

Money metrics count only deals in the tenant's default currency: amounts in different
currencies are never added together (there is no exchange rate in the product yet).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

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


def _in_currency(
    source: Callable[[Tenant, Period, list[int]], QuerySet[Deal]], field: str
) -> ByPartner:
    def by_partner(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
        rows = (
            source(tenant, period, ids)
            .filter(currency=tenant.default_currency)
            .order_by()
            .values("partner_id")
            .annotate(total=Sum(field))
        )
        return _per_partner(rows, "total")

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
        description=_("Amounts of the registrations submitted in the period (default currency)."),
        by_partner=_in_currency(_registered, "amount"),
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
        description=_("Final amounts of the deals won in the period (default currency)."),
        by_partner=_in_currency(_won, "won_amount"),
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
