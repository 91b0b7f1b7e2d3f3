"""The registry of named metrics (KPIs). Each is defined once, by the app owning its data.

A metric says which rows it reads (`Rows`: a queryset of the tenant, the path from a row to its
partner, which rows belong to a period, and the currency of money rows) and how those rows make
one figure (`Total`, `Ratio`, `Median` or `Distinct`). That declaration is also how the figure
rolls up from partners to a tier, a segment, a CAM's portfolio or the whole program: a total is a
sum, a ratio is the ratio of the sums (never an average of the partners' ratios), a median is the
median of the underlying rows, a distinct count counts each thing once. `prm.metrics.engine`
turns declarations into SQL: every asked metric and period of one `Rows` in one query, for every
subject of a scope at once.

Tier rules, dashboards, scorecards, alerts and QBRs all read metrics from here, so a number is the
same wherever it is shown, and a lower app never imports a higher one to use a metric.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Func, IntegerField, Q, QuerySet
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode

from prm.figures import format_number, format_percent
from prm.money import format_money
from prm.tenancy.models import Tenant

from .periods import Period

#: a period-independent value, or one worked out from the period (a membership's months "as of
#: the period's last day")
ByPeriod = Callable[[Period], Any]
Expr = int | str | Combinable | ByPeriod
Where = Q | Callable[[Period], Q]
#: the list behind a figure: (period, partner id or None for all) -> the URL of an admin list
ListUrl = Callable[[Period, int | None], str | None]


class DaysBetween(Func):
    """Whole days from one date expression to a later one (PostgreSQL's `date - date`; Django
    would make an interval of it, which a median cannot be taken of)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)


def in_days(day: str, period: Period) -> Q:
    """Rows whose day (`day`, a date field or a datetime's "…__date") is in the period. A
    datetime is compared with the period's first and last moments in the current time zone
    rather than cast to a date per row: the same rows, and an index on the datetime serves it."""
    if not day.endswith("__date"):
        return Q(**{f"{day}__gte": period.start, f"{day}__lte": period.end})
    moment = day.removesuffix("__date")
    first, after = period.moments()
    return Q(**{f"{moment}__gte": first, f"{moment}__lt": after})


@dataclass(frozen=True, eq=False)
class Rows:
    """The rows a metric reads. Metrics sharing one `Rows` object are evaluated together.

    `queryset(tenant)` is every row of the tenant that may count. Most rows count on one day of
    theirs: `day` is the lookup of that day ("closed_on", "submitted_at__date"), and a row is in a
    period when its day is; the engine can then bucket such rows by month in SQL (a chart's 24
    months in one grouped pass). Other rows say which belong to a period in `in_period(period)`
    (a fund overlapping it, a certification valid at its end); give one or the other.

    `partner` is the path from a row to its partner company ("partner", "membership__partner",
    or "" when the rows are the partners). Money rows name their currency
    field in `currency`: sums are kept per currency and converted to the tenant's currency at the
    rates in force on the period's last day (`prm.exchange.rates`); a currency without a rate is
    left out, never guessed.

    `member` is the path from a row to the partner user (a `Membership`) it belongs to ("owner"
    for a registration, "membership" for an enrolment): `evaluate(..., member=...)` narrows the
    rows to that one member's (a rep's own figures, by the same declarations). Rows without a
    member path answer nothing when a member is asked.
    """

    queryset: Callable[[Tenant], QuerySet[Any]]
    in_period: Callable[[Period], Q] | None = None
    #: the lookup of the day a row counts on, for rows that count on one day
    day: str = ""
    partner: str = "partner"
    currency: str = ""
    name: str = ""  # for reading a plan or an error ("deals submitted")
    #: the path from a row to its partner user (a Membership), for one member's figures
    member: str = ""

    def __post_init__(self) -> None:
        if bool(self.day) == (self.in_period is not None):
            raise ValueError(f"Rows {self.name!r}: give either `day` or `in_period`")

    def period_q(self, period: Period) -> Q:
        """The rows of one period."""
        if self.in_period is not None:
            return self.in_period(period)
        return in_days(self.day, period)

    def partner_path(self, suffix: str) -> str:
        """The lookup from a row to a field of its partner ("partner__tier_id")."""
        return f"{self.partner}__{suffix}" if self.partner else suffix


@dataclass(frozen=True)
class Part:
    """A sum over the rows of the period that also meet `where`: `Part(1)` counts them."""

    expr: Expr = 1
    where: Where = field(default_factory=Q)
    money: bool = False


@dataclass(frozen=True)
class Total:
    """A sum (a count with `Part(1)`). Rolls up as the sum."""

    part: Part
    rollup = "sum"


@dataclass(frozen=True)
class Ratio:
    """numerator ÷ denominator × scale (100 for a percentage). Rolls up as the ratio of the
    sums; no value where the denominator is 0.

    `at_least`: a figure made from fewer than this many rows of the denominator (rows of the
    period meeting its `where`) reads None, in every group — a partner, a tier, a merged CAM
    portfolio, the program — since the rows are counted beside the sums and added up with them.
    For figures that must not be shown from a handful of rows (an average of anonymous survey
    scores of 2 answers would all but name who gave them)."""

    numerator: Part
    denominator: Part
    scale: int = 100
    places: str = "0.1"
    at_least: int = 0
    rollup = "ratio of sums"


@dataclass(frozen=True)
class Median:
    """The median of `expr` over the rows of the period that meet `where`. Rolls up as the
    median of all the underlying rows; no value without rows."""

    expr: Expr
    where: Where = field(default_factory=Q)
    places: str = "0.1"
    rollup = "median"


@dataclass(frozen=True)
class Distinct:
    """How many different `expr` (a user, a partner) the rows of the period that meet `where`
    have. Rolls up as a distinct count."""

    expr: str
    where: Where = field(default_factory=Q)
    rollup = "distinct count"


Value = Total | Ratio | Median | Distinct


@dataclass(frozen=True)
class Metric:
    name: str  # "<app>.<what>", e.g. "partners.active_users"
    label: str | Promise
    #: "count", "months", "money", "percent", "days", "hours", "ratio" (4.5×), "score" (0-10)
    unit: str
    description: str | Promise
    rows: Rows
    value: Value
    #: the label after "1" ("1 more active user"); the plural label when empty
    label_one: str | Promise = ""
    #: whether more is better (a falling win rate is bad news; a falling decision time good)
    higher_is_better: bool = True
    #: the list behind the figure (an admin list filtered to the period's rows), for drilling
    #: down from a dashboard tile: (period, partner id or None for all) -> URL, or None
    list_url: ListUrl | None = None

    @property
    def rollup(self) -> str:
        """How the figure rolls up from partners to groups: "sum", "ratio of sums",
        "median" or "distinct count"."""
        return self.value.rollup

    def for_partners(
        self, tenant: Tenant, period: Period, partner_ids: Iterable[int]
    ) -> dict[int, Decimal]:
        """Every asked partner's value (0 where the metric found nothing to count, and where a
        ratio or a median has no value): one query for any number of partners."""
        from .engine import BY_PARTNER, evaluate

        ids = list(partner_ids)
        if not ids:
            return {}
        table = evaluate(tenant, [self], [period], partners=ids, by=BY_PARTNER)
        return {pk: table.get(self, period, pk) or Decimal(0) for pk in ids}

    def format(self, value: Decimal | None, *, currency: str) -> str:
        """A value of this metric as people read it (see `format_value`)."""
        return format_value(value, self.unit, currency=currency)


def format_value(value: Decimal | None, unit: str, *, currency: str) -> str:
    """A metric's value as people read it: "6" (a count, never "6.00"), "$5,000.00" (money, in
    `currency`: the tenant's default), "42.5%" (a percentage), "4.5×" (a ratio); "—" for none."""
    if value is None:
        return "—"
    if unit == "money" and currency:
        return format_money(value, currency)
    if unit == "percent":
        return format_percent(value)
    if unit == "ratio":
        return format_number(value) + "×"
    return format_number(value)


def admin_list(
    url_name: str,
    *,
    days: str = "",
    overlapping: tuple[str, str] | None = None,
    **fixed: str | int,
) -> Callable[[Period, int | None], str]:
    """A `Metric.list_url`: the admin list `url_name` filtered to a metric's rows of a period,
    and to the partner when given (the lists' own "partner" filter, which keeps a CAM to their
    partners). `days` is the lookup of the day the rows count on ("closed_on",
    "submitted_at__date"); `overlapping` the (start, end) lookups of rows that span days (a
    fund); `fixed` the list's other filters ("status": "won"). Each lookup must be one the list
    allows (Django's `lookup_allowed`; an unknown one sends the list back with "?e=1"), which the
    apps' tests of their links check."""

    def url(period: Period, partner_id: int | None) -> str:
        query: dict[str, str | int] = dict(fixed)
        if days:
            query[f"{days}__gte"] = period.start.isoformat()
            query[f"{days}__lte"] = period.end.isoformat()
        if overlapping:
            query[f"{overlapping[0]}__lte"] = period.end.isoformat()
            query[f"{overlapping[1]}__gte"] = period.start.isoformat()
        if partner_id is not None:
            query["partner"] = partner_id
        return reverse(url_name) + "?" + urlencode(query)

    return url


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    if metric.name in _METRICS and _METRICS[metric.name] != metric:
        raise ValueError(f"Metric {metric.name} registered twice")
    _METRICS[metric.name] = metric


def get(name: str) -> Metric:
    try:
        return _METRICS[name]
    except KeyError:
        raise ValueError(f"Unknown metric {name!r}") from None


def all_metrics() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda m: m.name)


def choices() -> list[tuple[str, str]]:
    return [(m.name, str(m.label)) for m in all_metrics()]
