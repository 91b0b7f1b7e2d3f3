"""Evaluating metrics: declarations (`prm.metrics.registry`) in, one SQL query per `Rows` out.

`evaluate(tenant, metrics, periods, partners=..., by=...)` answers every asked metric for every
asked period and every group of a scope at once. Each period is a `FILTER (WHERE …)` on the
aggregates of one query over the union of the periods' rows, so twelve months of a chart cost
what one month costs in queries. Groups are either a partner field, grouped in SQL (the program,
each partner, each tier, type or region), or a mapping of partners to keys that may overlap (a
CAM's portfolio, a segment): then the query groups by partner and the parts are merged exactly
(sums add, ratios add their numerators and denominators, medians and distinct counts gather the
underlying values), never by averaging partners' figures.

Money parts are summed per currency in SQL and converted at the tenant's rates in force on each
period's last day, read once for all periods (`prm.exchange.rates.rates_on_days`).
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models import Value as V
from django.db.models.expressions import Combinable

from prm.exchange.rates import convert, rates_on_days
from prm.tenancy.models import Tenant

from .periods import Period
from .registry import Distinct, Expr, Median, Metric, Part, Ratio, Rows, Total, Where

ZERO = Decimal(0)


class PercentileCont(Aggregate):
    """The median (`percentile_cont(0.5)`) of an expression, as PostgreSQL computes it."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Grouping:
    """How the partners of a scope are grouped. `field` is a partner field grouped in SQL
    (None: the whole scope is one group, keyed `ALL`); `keys_of` maps each partner id to the
    keys of the groups it belongs to, which may overlap (a partner with two CAMs counts in
    both portfolios)."""

    name: str
    field: str | None = None
    keys_of: Mapping[int, Iterable[Hashable]] | None = None


ALL = "all"
PROGRAM = Grouping("program")
BY_PARTNER = Grouping("partner", "id")
BY_TIER = Grouping("tier", "tier_id")
BY_TYPE = Grouping("type", "partner_type_id")
BY_REGION = Grouping("region", "region")


def by_map(name: str, keys_of: Mapping[int, Iterable[Hashable]]) -> Grouping:
    """Groups given as partner id → keys (CAM portfolios, segments): partners absent from the
    mapping count in no group."""
    return Grouping(name, keys_of={pk: list(keys) for pk, keys in keys_of.items()})


@dataclass
class _Parts:
    """What one metric found for one period and one group, before it is made a figure."""

    sums: list[dict[str, Decimal]] = field(default_factory=lambda: [{}, {}])
    values: list[float] = field(default_factory=list)
    distinct: set[Any] = field(default_factory=set)
    #: a median or distinct count computed by SQL for the group itself
    direct: Decimal | None = None

    def add_sum(self, index: int, currency: str, amount: Any) -> None:
        if amount is not None:
            self.sums[index][currency] = self.sums[index].get(currency, ZERO) + Decimal(amount)


@dataclass
class Table:
    """The figures `evaluate` found: `get(metric, period, key)`; a sum without rows reads 0,
    a ratio or a median without rows reads None ("—")."""

    values: dict[tuple[str, Period, Hashable], Decimal | None] = field(default_factory=dict)
    #: currencies left out of a money figure for want of a rate: (metric, period, key) → codes
    missing: dict[tuple[str, Period, Hashable], tuple[str, ...]] = field(default_factory=dict)

    def get(self, metric: Metric | str, period: Period, key: Hashable = ALL) -> Decimal | None:
        name = metric if isinstance(metric, str) else metric.name
        if (name, period, key) in self.values:
            return self.values[(name, period, key)]
        if isinstance(metric, str):
            from .registry import get

            metric = get(metric)
        return ZERO if isinstance(metric.value, Total | Distinct) else None

    def groups(self, metric: Metric | str, period: Period) -> dict[Hashable, Decimal | None]:
        """Every group's figure for one metric and period (groups without rows are absent)."""
        name = metric if isinstance(metric, str) else metric.name
        return {k: v for (m, p, k), v in self.values.items() if m == name and p == period}


def evaluate(
    tenant: Tenant,
    metrics: Iterable[Metric],
    periods: Iterable[Period],
    *,
    partners: QuerySet[Any] | Iterable[int] | None = None,
    by: Grouping = PROGRAM,
    member: Any = None,
) -> Table:
    """Every metric for every period and group of the scope.

    `partners` is the scope: a queryset of partners, ids, or None for every partner of the
    tenant. `member` (a `Membership` or its id) narrows every row source to that partner user's
    rows (`Rows.member`); metrics whose rows have no member path answer nothing then.

    Queries: one per `Rows` (two when it mixes money sums with medians or distinct
    counts), plus one for the exchange rates when a money figure is asked, whatever the number
    of partners, periods or groups.
    """
    metrics = list(dict.fromkeys(metrics))
    periods = list(dict.fromkeys(periods))
    table = Table()
    if not metrics or not periods:
        return table
    if partners is not None and not isinstance(partners, QuerySet):
        partners = list(partners)
    found: dict[tuple[str, Period, Hashable], _Parts] = defaultdict(_Parts)
    by_rows: dict[Rows, list[Metric]] = defaultdict(list)
    for metric in metrics:
        if member is not None and not metric.rows.member:
            continue  # no member's share of these rows: nothing to answer for one member
        by_rows[metric.rows].append(metric)
    for rows, of_rows in by_rows.items():
        for batch in _batches(rows, of_rows):
            _run(tenant, rows, batch, periods, partners, by, found, member)
    needs_rates = any(_is_money(m) for of_rows in by_rows.values() for m in of_rows)
    rates = rates_on_days(tenant, [p.end for p in periods]) if needs_rates else {}
    for metric in metrics:
        keys = {k for (m, _p, k) in found if m == metric.name}
        for period in periods:
            for key in keys:
                parts = found.get((metric.name, period, key))
                if parts is None:
                    continue
                value, missing = _figure(metric, parts, rates.get(period.end, {}), tenant)
                table.values[(metric.name, period, key)] = value
                if missing:
                    table.missing[(metric.name, period, key)] = missing
    return table


def _is_money(metric: Metric) -> bool:
    value = metric.value
    if isinstance(value, Total):
        return value.part.money
    if isinstance(value, Ratio):
        return value.numerator.money or value.denominator.money
    return False


def _batches(rows: Rows, metrics: list[Metric]) -> list[list[Metric]]:
    """Money sums are grouped by currency in SQL, which would split a median or a distinct
    count: those go in a second query when both kinds are asked of money rows."""
    if not rows.currency:
        return [metrics]
    sums = [m for m in metrics if isinstance(m.value, Total | Ratio)]
    others = [m for m in metrics if not isinstance(m.value, Total | Ratio)]
    return [batch for batch in (sums, others) if batch]


def _resolve(expr: Expr, period: Period) -> Any:
    if isinstance(expr, int):
        return V(expr)
    if isinstance(expr, str | Combinable):
        return expr
    return expr(period)


def _where(where: Where, period: Period) -> Q:
    return where if isinstance(where, Q) else where(period)


def _run(
    tenant: Tenant,
    rows: Rows,
    metrics: list[Metric],
    periods: list[Period],
    partners: QuerySet[Any] | list[int] | None,
    by: Grouping,
    found: dict[tuple[str, Period, Hashable], _Parts],
    member: Any = None,
) -> None:
    queryset = rows.queryset(tenant)
    if member is not None:
        queryset = queryset.filter(**{rows.member: member})
    if partners is not None:
        queryset = queryset.filter(**{f"{rows.partner_path('pk')}__in": partners})
    elif rows.partner:
        queryset = queryset.filter(**{f"{rows.partner_path('pk')}__isnull": False})
    any_period = Q()
    for period in periods:
        any_period |= rows.in_period(period)
    queryset = queryset.filter(any_period)

    merged = by.keys_of is not None
    group_columns: dict[str, Any] = {}
    if merged:
        group_columns["g"] = F(rows.partner_path("id"))
    elif by.field is not None:
        group_columns["g"] = F(rows.partner_path(by.field))
    per_currency = bool(rows.currency) and isinstance(metrics[0].value, Total | Ratio)
    if per_currency:
        group_columns["cur"] = F(rows.currency)

    aggregates: dict[str, Any] = {}
    plan: list[tuple[str, Metric, Period, str, int]] = []  # alias, metric, period, kind, part
    for m_index, metric in enumerate(metrics):
        for p_index, period in enumerate(periods):
            base = f"m{m_index}p{p_index}"
            in_period = rows.in_period(period)
            value = metric.value
            parts: list[Part] = []
            if isinstance(value, Total):
                parts = [value.part]
            elif isinstance(value, Ratio):
                parts = [value.numerator, value.denominator]
            for index, part in enumerate(parts):
                alias = f"{base}s{index}"
                condition = in_period & _where(part.where, period)
                aggregates[alias] = Sum(_resolve(part.expr, period), filter=condition)
                plan.append((alias, metric, period, "sum", index))
            if isinstance(value, Median):
                condition = in_period & _where(value.where, period)
                expr = _resolve(value.expr, period)
                if merged:
                    aggregates[base] = ArrayAgg(expr, filter=condition)
                    plan.append((base, metric, period, "values", 0))
                else:
                    aggregates[base] = PercentileCont(expr, filter=condition)
                    plan.append((base, metric, period, "direct", 0))
            elif isinstance(value, Distinct):
                condition = in_period & _where(value.where, period)
                if merged:
                    aggregates[base] = ArrayAgg(value.expr, distinct=True, filter=condition)
                    plan.append((base, metric, period, "set", 0))
                else:
                    aggregates[base] = Count(value.expr, distinct=True, filter=condition)
                    plan.append((base, metric, period, "direct", 0))

    if group_columns:
        result = list(
            queryset.order_by()
            .values(**group_columns)
            .annotate(**aggregates)
            .values_list(*group_columns, *aggregates, named=True)
        )
    else:
        result = [_Row(queryset.order_by().aggregate(**aggregates))]

    for row in result:
        currency = getattr(row, "cur", "") or ""
        if merged:
            keys: Iterable[Hashable] = (by.keys_of or {}).get(row.g, ())
        else:
            keys = (row.g,) if "g" in group_columns else (ALL,)
        for alias, metric, period, kind, index in plan:
            raw = getattr(row, alias)
            for key in keys:
                if kind != "sum" and raw is None:
                    continue
                parts_of = found[(metric.name, period, key)]
                if kind == "sum":
                    parts_of.add_sum(index, currency, raw)
                elif kind == "values":
                    parts_of.values.extend(float(v) for v in raw if v is not None)
                elif kind == "set":
                    parts_of.distinct.update(v for v in raw if v is not None)
                else:
                    parts_of.direct = Decimal(str(raw))


class _Row:
    """`aggregate()`'s dict read like a `values_list(named=True)` row."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _figure(
    metric: Metric, parts: _Parts, rates: dict[str, Decimal], tenant: Tenant
) -> tuple[Decimal | None, tuple[str, ...]]:
    value = metric.value
    if isinstance(value, Total):
        return _amount(parts.sums[0], value.part.money, rates, tenant)
    if isinstance(value, Ratio):
        numerator, missing_n = _amount(parts.sums[0], value.numerator.money, rates, tenant)
        denominator, missing_d = _amount(parts.sums[1], value.denominator.money, rates, tenant)
        missing = tuple(sorted({*missing_n, *missing_d}))
        if not denominator:
            return None, missing
        ratio = Decimal(value.scale) * numerator / denominator
        return ratio.quantize(Decimal(value.places), ROUND_HALF_UP), missing
    if isinstance(value, Median):
        if parts.direct is not None:
            found = parts.direct
        elif parts.values:
            found = Decimal(str(median(parts.values)))
        else:
            return None, ()
        return found.quantize(Decimal(value.places), ROUND_HALF_UP), ()
    if parts.direct is not None:
        return parts.direct, ()
    return Decimal(len(parts.distinct)), ()


def _amount(
    sums: dict[str, Decimal], money: bool, rates: dict[str, Decimal], tenant: Tenant
) -> tuple[Decimal, tuple[str, ...]]:
    if not money:
        return sum(sums.values(), ZERO), ()
    converted = convert(sums, rates, tenant.default_currency)  # quantized once, there
    return converted.amount, converted.missing
