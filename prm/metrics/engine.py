"""Evaluating metrics: declarations (`prm.metrics.registry`) in, a query or two per `Rows` out.

`evaluate(tenant, metrics, periods, partners=..., by=...)` answers every asked metric for every
asked period and every group of a scope at once, in at most two queries per row source:
- rows that count on a day (`Rows.day`) are grouped by month in SQL, and every period of whole
  months is read from those buckets: a month from its own, a quarter or a year as the sum of its
  months (sums add up; a median or a distinct count is read this way for single months only).
  Twenty-four months of a chart are one grouped pass, with the day worked out once per row;
- the other periods (trailing days, custom ranges, the quarter's median, rows that belong to a
  period otherwise) are each a `FILTER (WHERE …)` on the aggregates of one query over the union
  of their rows.

Groups are either a partner field, grouped in SQL (the program, each partner, each tier, type or
region), or a mapping of partners to keys that may overlap (a CAM's portfolio, a segment): then
the query groups by partner and the parts are merged exactly (sums add, ratios add their
numerators and denominators, medians and distinct counts gather the underlying values), never by
averaging partners' figures.

Money parts are summed per currency in SQL and converted at the tenant's rates in force on each
period's last day, read once for all periods (`prm.exchange.rates.rates_on_days`).
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Aggregate, Count, DateField, F, FloatField, Q, QuerySet, Sum
from django.db.models import Value as V
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncMonth

from prm.exchange.rates import convert, rates_on_days
from prm.tenancy.models import Tenant

from .periods import Period
from .registry import Distinct, Expr, Median, Metric, Ratio, Rows, Total, Where

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

    #: a total's sum; a ratio's numerator, denominator and (with `at_least`) its row count
    sums: list[dict[str, Decimal]] = field(default_factory=lambda: [{}, {}, {}])
    values: list[float] = field(default_factory=list)
    distinct: set[Any] = field(default_factory=set)
    #: a median or distinct count computed by SQL for the group itself
    direct: Decimal | None = None

    def add_sum(self, index: int, currency: str, amount: Any) -> None:
        if amount is not None:
            if not isinstance(amount, Decimal | int):
                amount = Decimal(amount)
            sums = self.sums[index]
            sums[currency] = sums.get(currency, ZERO) + amount


@dataclass
class Table:
    """The figures `evaluate` found: `get(metric, period, key)`; a sum without rows reads 0,
    a ratio or a median without rows reads None ("—")."""

    values: dict[tuple[str, Period, Hashable], Decimal | None] = field(default_factory=dict)
    #: currencies left out of a money figure for want of a rate: (metric, period, key) → codes
    missing: dict[tuple[str, Period, Hashable], tuple[str, ...]] = field(default_factory=dict)
    _by_figure: dict[tuple[str, Period], dict[Hashable, Decimal | None]] | None = field(
        default=None, repr=False, compare=False
    )

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
        if self._by_figure is None:  # indexed once: a table of 5,000 partners is asked often
            self._by_figure = defaultdict(dict)
            for (m, p, k), v in self.values.items():
                self._by_figure[(m, p)][k] = v
        return dict(self._by_figure.get((name, period), {}))


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

    Queries, whatever the number of partners or groups: per `Rows`, one for its periods of whole
    months and one for its other periods (each doubled when it mixes money sums with medians or
    distinct counts); plus one for the exchange rates when a money figure is asked.
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


def _resolve(expr: Expr, period: Period | None) -> Any:
    """An expression as SQL: worked out from the period when it depends on it (`period` is
    None only for the static parts of a metric read by month)."""
    if isinstance(expr, int):
        return V(expr)
    if isinstance(expr, str | Combinable):
        return expr
    assert period is not None
    return expr(period)


def _where(where: Where, period: Period | None) -> Q:
    if isinstance(where, Q):
        return where
    assert period is not None
    return where(period)


def _month_aligned(period: Period) -> bool:
    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


def _one_month(period: Period) -> bool:
    return _month_aligned(period) and (period.start.year, period.start.month) == (
        period.end.year,
        period.end.month,
    )


def _static(metric: Metric) -> bool:
    """Whether the metric's parts are the same whatever the period (no "as of the period's
    end"), so that a row's share of it does not depend on the period it is counted in."""
    value = metric.value
    if isinstance(value, Total):
        parts: list[Any] = [value.part.expr, value.part.where]
    elif isinstance(value, Ratio):
        parts = [value.numerator.expr, value.numerator.where]
        parts += [value.denominator.expr, value.denominator.where]
    else:
        parts = [value.expr, value.where]
    return all(isinstance(p, int | str | Combinable | Q) for p in parts)


def _bucketed(rows: Rows, metric: Metric, period: Period) -> bool:
    """Whether the figure is read from the rows grouped by month: rows counting on one day,
    parts that do not depend on the period, and a period of whole months — any such period for
    sums (they add up month by month), one month for medians and distinct counts (they do not)."""
    if not rows.day or not _static(metric) or not _month_aligned(period):
        return False
    return isinstance(metric.value, Total | Ratio) or _one_month(period)


#: periods of whole months from which the engine reads rows grouped by month rather than filtered
MIN_BUCKETED = 3

#: where one aggregate's value goes: (metric, period or None for "the row's month", kind, part)
_Target = tuple[Metric, Period | None, str, int]


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
    """One `Rows`' metrics: the periods of whole months from one query grouped by month (when
    the rows count on a day), the others from one query with a `FILTER` per period."""
    queryset = rows.queryset(tenant)
    if member is not None:
        queryset = queryset.filter(**{rows.member: member})
    if partners is not None:
        queryset = queryset.filter(**{f"{rows.partner_path('pk')}__in": partners})
    elif rows.partner:
        queryset = queryset.filter(**{f"{rows.partner_path('pk')}__isnull": False})

    by_month: dict[Metric, list[Period]] = defaultdict(list)
    by_filter: dict[Metric, list[Period]] = defaultdict(list)
    # Buckets pay for a chart's months; one or two periods (a quarter and its comparison) cost
    # less as filters than as more groups.
    chart = sum(_month_aligned(p) for p in periods) >= MIN_BUCKETED
    for metric in metrics:
        for period in periods:
            bucketed = chart and _bucketed(rows, metric, period)
            (by_month if bucketed else by_filter)[metric].append(period)

    merged = by.keys_of is not None
    group_columns: dict[str, Any] = {}
    if merged:
        group_columns["g"] = F(rows.partner_path("id"))
    elif by.field is not None:
        group_columns["g"] = F(rows.partner_path(by.field))
    if rows.currency and isinstance(metrics[0].value, Total | Ratio):
        group_columns["cur"] = F(rows.currency)

    if by_filter:
        any_period = Q()
        for period in {p for of_metric in by_filter.values() for p in of_metric}:
            any_period |= rows.period_q(period)
        aggregates: dict[str, Any] = {}
        targets: dict[str, _Target] = {}
        for m_index, (metric, of_metric) in enumerate(by_filter.items()):
            for p_index, period in enumerate(of_metric):
                for suffix, aggregate, kind, part in _aggregates(
                    metric, period, rows.period_q(period), merged
                ):
                    aggregates[f"m{m_index}p{p_index}{suffix}"] = aggregate
                    targets[f"m{m_index}p{p_index}{suffix}"] = (metric, period, kind, part)
        result = _query(queryset.filter(any_period), group_columns, aggregates)
        _collect(result, group_columns, targets, {}, by, found)

    if by_month:
        spans = sorted({p for of_metric in by_month.values() for p in of_metric}, key=_key)
        any_month = Q()
        for period in _joined(spans):
            any_month |= rows.period_q(period)
        month_of: dict[Metric, dict[date, list[Period]]] = {}
        aggregates, targets = {}, {}
        for m_index, (metric, of_metric) in enumerate(by_month.items()):
            month_of[metric] = defaultdict(list)
            for period in of_metric:
                for first in _firsts(period):
                    month_of[metric][first].append(period)
            for suffix, aggregate, kind, part in _aggregates(metric, None, Q(), merged):
                aggregates[f"m{m_index}{suffix}"] = aggregate
                targets[f"m{m_index}{suffix}"] = (metric, None, kind, part)
        columns = {**group_columns, "month": TruncMonth(rows.day, output_field=DateField())}
        result = _query(queryset.filter(any_month), columns, aggregates)
        _collect(result, columns, targets, month_of, by, found)


def _key(period: Period) -> tuple[date, date]:
    return (period.start, period.end)


def _joined(periods: list[Period]) -> list[Period]:
    """Sorted periods with the overlapping and adjacent ones joined (fewer `OR`s to scan)."""
    joined: list[Period] = []
    for period in periods:
        if joined and period.start <= joined[-1].end + timedelta(days=1):
            joined[-1] = Period(joined[-1].start, max(joined[-1].end, period.end))
        else:
            joined.append(period)
    return joined


def _firsts(period: Period) -> list[date]:
    """The first days of the months of a period of whole months."""
    firsts, first = [], period.start
    while first <= period.end:
        firsts.append(first)
        first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return firsts


def _aggregates(
    metric: Metric, period: Period | None, in_period: Q, merged: bool
) -> list[tuple[str, Any, str, int]]:
    """The SQL aggregates of one metric (for one period, or per month when `period` is None,
    where the metric's parts do not depend on the period): (alias suffix, aggregate, kind,
    part index)."""

    def resolved(expr: Expr) -> Any:
        return _resolve(expr, period)

    def where(condition: Where) -> Q:
        return in_period & _where(condition, period)

    value = metric.value
    if isinstance(value, Total | Ratio):
        parts = [value.part] if isinstance(value, Total) else [value.numerator, value.denominator]
        found = [
            (f"s{index}", Sum(resolved(part.expr), filter=where(part.where)), "sum", index)
            for index, part in enumerate(parts)
        ]
        if isinstance(value, Ratio) and value.at_least:
            # The denominator's rows, counted like a sum so that they add up wherever the sums
            # do (months into a quarter, partners into a portfolio).
            rows = Sum(V(1), filter=where(value.denominator.where))
            found.append(("s2", rows, "sum", 2))
        return found
    if isinstance(value, Median):
        expr, condition = resolved(value.expr), where(value.where)
        if merged:
            return [("v", ArrayAgg(expr, filter=condition), "values", 0)]
        return [("v", PercentileCont(expr, filter=condition), "direct", 0)]
    condition = where(value.where)
    if merged:
        return [("v", ArrayAgg(value.expr, distinct=True, filter=condition), "set", 0)]
    return [("v", Count(value.expr, distinct=True, filter=condition), "direct", 0)]


def _query(queryset: QuerySet[Any], columns: dict[str, Any], aggregates: dict[str, Any]) -> list:
    if columns:
        return list(
            queryset.order_by()
            .values(**columns)
            .annotate(**aggregates)
            .values_list(*columns, *aggregates, named=True)
        )
    return [_Row(queryset.order_by().aggregate(**aggregates))]


def _collect(
    result: list,
    columns: dict[str, Any],
    targets: dict[str, _Target],
    month_of: dict[Metric, dict[date, list[Period]]],
    by: Grouping,
    found: dict[tuple[str, Period, Hashable], _Parts],
) -> None:
    """Add each result row's aggregates to the parts of the groups and periods they belong to
    (a month's row to every asked period of whole months containing it)."""
    merged = by.keys_of is not None
    for row in result:
        currency = getattr(row, "cur", "") or ""
        if merged:
            keys: Iterable[Hashable] = (by.keys_of or {}).get(row.g, ())
        else:
            keys = (row.g,) if "g" in columns else (ALL,)
        for alias, (metric, period, kind, index) in targets.items():
            raw = getattr(row, alias)
            if kind != "sum" and raw is None:
                continue
            periods = [period] if period is not None else month_of[metric].get(row.month, [])
            for period_of in periods:
                for key in keys:
                    parts_of = found[(metric.name, period_of, key)]
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
        if value.at_least and sum(parts.sums[2].values(), ZERO) < value.at_least:
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
