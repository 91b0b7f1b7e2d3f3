"""What the program and CAM dashboards show, and the list behind each figure.

Every figure is read through `prm.metrics.engine.evaluate` (the one metrics layer), planned as
few calls as the page allows:

- the tiles, the funnel and the SLA: every tile metric for the period, its comparison period
  and the twelve monthly buckets of the sparklines and the pipeline/revenue chart (with the
  same months a year earlier) in one call — one query per row source, whatever the periods;
- the breakdowns by partner type, tier and region and the top partners in one call over a
  mapping of partners to their groups (`by_map`): the engine merges exactly (sums add, ratios
  add numerator and denominator), never averaging partners' figures;
- a CAM's "needs attention" adds `deals.active_partners` over the trailing 60 days per partner
  and three short lists of objects (registrations expiring, decisions overdue, MDF claims due).

The scope of a page is a queryset of partners (`visible_partners`, a CAM's assigned partners,
narrowed by the filters), passed to the engine as a subquery, so the number of queries does not
grow with the number of partners.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deals.models import Deal
from mdf.models import Claim, MdfRequest
from partners.models import Partner, PartnerType, Segment, Tier
from partners.segments.selectors import segment_q
from prm.charts import Bar, Series, bar_chart, gauge, line_chart, palette_for, sparkline
from prm.dates import format_day
from prm.exchange.services import tenant_today
from prm.figures import format_number, format_percent
from prm.filters import IdField, QueryForm
from prm.metrics import periods as P
from prm.metrics.engine import ALL, BY_PARTNER, Table, by_map, evaluate
from prm.metrics.periods import Period
from prm.metrics.registry import Metric, Part, Ratio, Total, get
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import assigned_partner_ids, visible_partners
from prm.tenancy.roles import Role

#: the tiles of the first row: what a program leader reads first
PRIMARY = (
    "deals.pipeline_registered",
    "deals.revenue_won",
    "deals.win_rate",
    "deals.active_partners",
)
#: the tiles of the second row
SECONDARY = (
    "deals.average_deal_size",
    "deals.days_to_close",
    "deals.decision_hours",
    "deals.sla_attainment",
    "deals.time_to_first_deal",
    "partners.monthly_active_rate",
    "training.completion_rate",
    "training.certified_users",
    "mdf.utilisation",
    "mdf.roi",
    "commissions.earned",
    "commissions.paid",
)
#: the funnel's steps, in order
FUNNEL = ("deals.registered", "deals.approved", "deals.won")
#: what the breakdowns and the top partners show
BREAKDOWN = ("deals.revenue_won", "deals.pipeline_registered", "deals.win_rate")
#: a partner with no registration and no sign-in for this many days needs attention
QUIET_DAYS = 60
EXPIRING_DAYS = 7
CLAIM_DUE_DAYS = 14
#: rows of each "needs attention" list and of the top partners
ATTENTION_ROWS = 10
TOP_ROWS = 10
#: the longest custom period
MAX_CUSTOM_DAYS = 3 * 366
EARLIEST = date(2000, 1, 1)

PREVIOUS = "previous"
YEAR_EARLIER = "year"

SPAN_LABELS = {
    P.MONTH: gettext_lazy("This month"),
    P.QUARTER: gettext_lazy("This fiscal quarter"),
    P.YEAR: gettext_lazy("This fiscal year"),
    P.LAST_30: gettext_lazy("Last 30 days"),
    P.LAST_90: gettext_lazy("Last 90 days"),
    P.CUSTOM: gettext_lazy("Custom dates"),
}
COMPARE_LABELS = {
    PREVIOUS: gettext_lazy("Previous period"),
    YEAR_EARLIER: gettext_lazy("Same period a year earlier"),
}
#: what the numerator and denominator of each ratio count, for the list behind a figure
RATIO_PARTS = {
    "deals.win_rate": (gettext_lazy("Won"), gettext_lazy("Closed")),
    "deals.average_deal_size": (gettext_lazy("Revenue won"), gettext_lazy("Deals won")),
    "deals.sla_attainment": (gettext_lazy("Within the SLA"), gettext_lazy("Decisions")),
    "partners.monthly_active_rate": (gettext_lazy("Signed in"), gettext_lazy("Users")),
    "training.completion_rate": (gettext_lazy("Completed"), gettext_lazy("Started")),
    "mdf.utilisation": (gettext_lazy("Used"), gettext_lazy("Allocated")),
    "mdf.roi": (gettext_lazy("Revenue"), gettext_lazy("Spend")),
}


# -- Filters ------------------------------------------------------------------------------------


class DashboardFilters(QueryForm):
    """The filters of a dashboard and of the list behind a figure, from the query string.

    A value a field refuses is left out (the page without that filter); a custom period whose
    end is before its start, or longer than three years, says so beside the field and the page
    shows the current quarter.
    """

    span = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=list(SPAN_LABELS.items()), initial=P.QUARTER
    )
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    compare = forms.ChoiceField(
        label=gettext_lazy("Compare with"), choices=list(COMPARE_LABELS.items())
    )
    partner_type = IdField(label=gettext_lazy("Partner type"))
    tier = IdField(label=gettext_lazy("Tier"))
    region = forms.ChoiceField(
        label=gettext_lazy("Region"), choices=[("", gettext_lazy("All")), *Partner.Region.choices]
    )
    segment = IdField(label=gettext_lazy("Segment"))

    def clean_start(self) -> date | None:
        return _in_range(self.cleaned_data.get("start"))

    def clean_end(self) -> date | None:
        return _in_range(self.cleaned_data.get("end"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("span") != P.CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Enter the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Enter the last day of the period."))
        if start and end:
            if end < start:
                self.add_error("end", _("The last day is before the first day."))
            elif (end - start).days > MAX_CUSTOM_DAYS:
                self.add_error("end", _("A period is at most three years long."))
        return data


def _in_range(day: date | None) -> date | None:
    if day is not None and not EARLIEST <= day <= date(2100, 12, 31):
        raise ValidationError(_("Enter a day between 2000 and 2100."))
    return day


@dataclass
class Options:
    """The choices of the partner filters (one query each), by id."""

    types: dict[int, str]
    tiers: dict[int, str]
    segments: dict[int, Segment]


def options_for(tenant: Tenant) -> Options:
    return Options(
        types=dict(
            PartnerType.objects.filter(tenant=tenant).order_by("name").values_list("pk", "name")
        ),
        tiers=dict(Tier.objects.filter(tenant=tenant).order_by("rank").values_list("pk", "name")),
        segments={s.pk: s for s in Segment.objects.filter(tenant=tenant).order_by("name")},
    )


@dataclass
class Filters:
    """The filters as the page applies them: the period, its comparison and the partners."""

    span: str
    period: Period
    comparison: Period
    compare: str
    partner_type: int | None
    tier: int | None
    region: str
    segment: int | None
    form: DashboardFilters
    today: date
    #: the query string of the filters, for the links and exports that keep them
    query: str = ""

    @property
    def period_text(self) -> str:
        return _period_text(self.period)

    @property
    def comparison_text(self) -> str:
        return _period_text(self.comparison)

    def narrow(self, partners: QuerySet[Any], options: Options) -> QuerySet[Any]:
        """The partners the filters keep."""
        if self.partner_type is not None:
            partners = partners.filter(partner_type_id=self.partner_type)
        if self.tier is not None:
            partners = partners.filter(tier_id=self.tier)
        if self.region:
            partners = partners.filter(region=self.region)
        if self.segment is not None:
            segment = options.segments[self.segment]
            # The segment's types are read only when it is picked (one query then).
            partners = partners.filter(segment_q(segment))
        return partners


def _period_text(period: Period) -> str:
    return _("%(start)s to %(end)s") % {
        "start": format_day(period.start),
        "end": format_day(period.end),
    }


def read_filters(query: Any, tenant: Tenant, options: Options) -> Filters:
    """The filters of a query string (`request.GET`), each refused value left out."""
    # The defaults bound like a choice, so that the form shows the period the page reads (an
    # unbound default would show the first option, "This month", over a quarter's figures).
    data = query.copy()
    data.setdefault("span", P.QUARTER)
    data.setdefault("compare", PREVIOUS)
    form = DashboardFilters(data)
    values = form.values()
    today = tenant_today(tenant)
    fiscal = tenant.fiscal_year_start or 1
    # A quarter by default: a month only days old compared with a whole month reads as a fall.
    span = values["span"] or P.QUARTER
    if span == P.CUSTOM and values["start"] and values["end"] and not form.errors:
        period = Period(values["start"], values["end"])
    else:
        span = P.QUARTER if span == P.CUSTOM else span
        period = P.period_for(span, today, fiscal_start=fiscal)
    compare = values["compare"] or PREVIOUS
    if compare == YEAR_EARLIER:
        comparison = P.year_earlier(period)
    else:
        comparison = P.previous(period, span, fiscal_start=fiscal)
    keep = {k: v for k, v in query.items() if k in form.fields and v and k not in form.errors}
    return Filters(
        span=span,
        period=period,
        comparison=comparison,
        compare=compare,
        partner_type=values["partner_type"] if values["partner_type"] in options.types else None,
        tier=values["tier"] if values["tier"] in options.tiers else None,
        region=values["region"] or "",
        segment=values["segment"] if values["segment"] in options.segments else None,
        form=form,
        today=today,
        query=urlencode(keep),
    )


# -- Figures -------------------------------------------------------------------------------------


@dataclass
class Change:
    """How a figure moved against its comparison: an arrow, a text, and whether it is good."""

    direction: str  # "up", "down", "flat"
    text: str
    good: bool | None


def change_of(metric: Metric, value: Decimal | None, before: Decimal | None) -> Change | None:
    """The change from `before` to `value`: percentage points for a percentage, else percent
    of the earlier value; None when either is missing or the earlier value is 0."""
    return change_between(metric.unit, metric.higher_is_better, value, before)


def change_between(
    unit: str, higher_is_better: bool, value: Decimal | None, before: Decimal | None
) -> Change | None:
    """`change_of` for a figure known by its unit and direction only (a QBR's frozen KPIs)."""
    if value is None or before is None:
        return None
    if unit == "percent":
        delta = value - before
        text = _("%(points)s pts") % {"points": _signed(delta)}
    else:
        if before == 0:
            return None
        delta = (value - before) * 100 / abs(before)
        text = _signed_percent(delta)
    if delta == 0:
        return Change("flat", text, None)
    up = delta > 0
    return Change("up" if up else "down", text, up == higher_is_better)


#: the sign of a fall: U+2212, the typographic minus
MINUS = "\u2212"


def _sign(value: Decimal) -> str:
    return "+" if value > 0 else (MINUS if value < 0 else "")


def _signed(value: Decimal) -> str:
    return _sign(value) + format_number(abs(value).quantize(Decimal("0.1")))


def _signed_percent(value: Decimal) -> str:
    return _sign(value) + format_percent(abs(value).quantize(Decimal("0.1")))


@dataclass
class Tile:
    metric: Metric
    value: Decimal | None
    text: str
    before: Decimal | None
    before_text: str
    change: Change | None
    #: the last twelve months, oldest first: (month, value)
    months: list[tuple[Period, Decimal | None]]
    #: currencies left out of a money figure for want of an exchange rate
    missing: tuple[str, ...] = ()
    spark: Any = None

    @property
    def name(self) -> str:
        return self.metric.name

    @property
    def slug(self) -> str:
        return self.metric.name.replace(".", "-").replace("_", "-")


@dataclass
class Group:
    """One row of a breakdown or of the top partners."""

    key: Hashable
    label: str
    values: dict[str, Decimal | None]
    texts: dict[str, str]

    @property
    def revenue_text(self) -> str:
        return self.texts.get("deals.revenue_won", "—")

    @property
    def pipeline_text(self) -> str:
        return self.texts.get("deals.pipeline_registered", "—")

    @property
    def win_rate_text(self) -> str:
        return self.texts.get("deals.win_rate", "—")


@dataclass
class Kind:
    """A breakdown's heading (and its chart, once drawn)."""

    key: str
    label: str
    chart: Any = None


@dataclass
class FunnelStep:
    metric: Metric
    value: Decimal
    text: str
    conversion: Decimal | None  # from the step before, percent


@dataclass
class Dashboard:
    filters: Filters
    currency: str
    primary: list[Tile]
    secondary: list[Tile]
    months: list[Period]
    #: pipeline and revenue per month, and the same months a year earlier
    trend: list[dict[str, Any]]
    breakdowns: dict[str, list[Group]]
    top: list[Group]
    funnel: list[FunnelStep]
    sla: Tile
    #: the SLA gauge's target: the tenant's (`Tenant.sla_target_percent`)
    sla_target: Decimal
    partner_count: int
    attention: dict[str, list[Any]] = field(default_factory=dict)
    quiet: list[dict[str, Any]] = field(default_factory=list)
    trend_chart: Any = None
    funnel_chart: Any = None
    sla_chart: Any = None

    @property
    def breakdown_list(self) -> list[tuple[Kind, list[Group]]]:
        return [(kind, self.breakdowns[kind.key]) for kind in self.kinds]

    @property
    def kinds(self) -> list[Kind]:
        if not hasattr(self, "_kinds"):
            self._kinds = [
                Kind("type", _("By partner type")),
                Kind("tier", _("By tier")),
                Kind("region", _("By region")),
            ]
        return self._kinds

    @property
    def tiles(self) -> list[Tile]:
        return self.primary + self.secondary


def trend_months(filters: Filters) -> list[Period]:
    """The twelve calendar months ending with the period's last month (or today's, for a
    period still running)."""
    last = min(filters.period.end, filters.today)
    return P.months_in(P.Period(P.last_12_months(last).start, P.month_of(last).end))


def build(
    tenant: Tenant,
    partners: QuerySet[Any],
    filters: Filters,
    options: Options,
    *,
    attention: bool = False,
) -> Dashboard:
    """Every figure of a dashboard over `partners` (already narrowed by the filters).

    Queries: the partners of the scope (ids and groups, one), the tiles with their months (one
    per row source), the breakdowns and top partners (one per row source), the exchange rates
    (one per call with money); with `attention`, the quiet partners (one) and three lists.
    """
    currency = tenant.default_currency
    months = trend_months(filters)
    months_ago = [P.year_earlier(m) for m in months]
    tile_metrics = [get(n) for n in (*PRIMARY, *SECONDARY, *FUNNEL)]
    periods = [filters.period, filters.comparison, *months, *months_ago]
    table = evaluate(tenant, tile_metrics, periods, partners=partners)

    def tile(name: str) -> Tile:
        metric = get(name)
        value = table.get(metric, filters.period)
        before = table.get(metric, filters.comparison)
        return Tile(
            metric=metric,
            value=value,
            text=metric.format(value, currency=currency),
            before=before,
            before_text=metric.format(before, currency=currency),
            change=change_of(metric, value, before),
            months=[(m, table.get(metric, m)) for m in months],
            missing=table.missing.get((name, filters.period, ALL), ()),
        )

    revenue, pipeline = get("deals.revenue_won"), get("deals.pipeline_registered")
    trend = [
        {
            "month": m,
            "pipeline": table.get(pipeline, m),
            "revenue": table.get(revenue, m),
            "pipeline_before": table.get(pipeline, ago),
            "revenue_before": table.get(revenue, ago),
        }
        for m, ago in zip(months, months_ago, strict=True)
    ]
    funnel: list[FunnelStep] = []
    for name in FUNNEL:
        metric = get(name)
        value = table.get(metric, filters.period) or Decimal(0)
        earlier = funnel[-1].value if funnel else None
        conversion = (value * 100 / earlier).quantize(Decimal("0.1")) if earlier else None
        funnel.append(
            FunnelStep(metric, value, metric.format(value, currency=currency), conversion)
        )

    rows = list(partners.values_list("pk", "name", "partner_type_id", "tier_id", "region"))
    groups_of = {
        pk: [("partner", pk), ("type", type_id), ("tier", tier_id), ("region", region or None)]
        for pk, _name, type_id, tier_id, region in rows
    }
    names = {pk: name for pk, name, *_rest in rows}
    breakdown_metrics = [get(n) for n in BREAKDOWN]
    split = evaluate(
        tenant,
        breakdown_metrics,
        [filters.period],
        partners=partners,
        by=by_map("breakdown", groups_of),
    )
    breakdowns = {
        "type": _groups(split, breakdown_metrics, filters, "type", currency, options.types),
        "tier": _groups(split, breakdown_metrics, filters, "tier", currency, options.tiers),
        "region": _groups(
            split, breakdown_metrics, filters, "region", currency, dict(Partner.Region.choices)
        ),
    }
    top = _groups(
        split,
        breakdown_metrics,
        filters,
        "partner",
        currency,
        names,
        keep=lambda g: bool(g.values["deals.revenue_won"] or g.values["deals.pipeline_registered"]),
        limit=TOP_ROWS,
    )
    dashboard = Dashboard(
        filters=filters,
        currency=currency,
        primary=[tile(n) for n in PRIMARY],
        secondary=[tile(n) for n in SECONDARY],
        months=months,
        trend=trend,
        breakdowns=breakdowns,
        top=top,
        funnel=funnel,
        sla=tile("deals.sla_attainment"),
        sla_target=Decimal(tenant.sla_target_percent),
        partner_count=len(rows),
    )
    if attention:
        dashboard.quiet = quiet_partners(tenant, partners, names, filters.today)
        dashboard.attention = needs_attention(tenant, partners)
    return dashboard


def _groups(
    table: Table,
    metrics: list[Metric],
    filters: Filters,
    kind: str,
    currency: str,
    labels: dict[Any, Any] | None,
    *,
    keep: Callable[[Group], bool] | None = None,
    limit: int | None = None,
) -> list[Group]:
    """The groups of one kind, by revenue won (then pipeline, then name): those `keep` accepts,
    at most `limit` of them. Only the groups returned are formatted (the top partners of
    thousands format ten)."""
    found: dict[Hashable, Group] = {}
    for metric in metrics:
        for key, value in table.groups(metric, filters.period).items():
            if not (isinstance(key, tuple) and key[0] == kind):
                continue
            group = found.get(key)
            if group is None:
                raw = key[1]
                label = _none_label(kind) if raw is None else str((labels or {}).get(raw, raw))
                group = found[key] = Group(key[1], label, {}, {})
            group.values[metric.name] = value
    for group in found.values():
        for metric in metrics:
            if metric.name not in group.values:
                group.values[metric.name] = table.get(metric, filters.period, (kind, group.key))
    ordered = sorted(
        (g for g in found.values() if keep is None or keep(g)),
        key=lambda g: (
            -(g.values.get("deals.revenue_won") or 0),
            -(g.values.get("deals.pipeline_registered") or 0),
            g.label.lower(),
        ),
    )[:limit]
    for group in ordered:
        for metric in metrics:
            group.texts[metric.name] = metric.format(group.values[metric.name], currency=currency)
    return ordered


def _none_label(kind: str) -> str:
    return {
        "type": _("No type"),
        "tier": _("No tier"),
        "region": _("No region"),
    }.get(kind, "—")


# -- Needs attention -----------------------------------------------------------------------------


def quiet_partners(
    tenant: Tenant, partners: QuerySet[Any], names: dict[int, str], today: date
) -> list[dict[str, Any]]:
    """Partners with no registration and no sign-in in the trailing `QUIET_DAYS` days
    (`deals.active_partners` = 0 for the partner), by name; at most `ATTENTION_ROWS` + 1 (the
    page says there are more)."""
    window = P.last_days(QUIET_DAYS, today)
    active = get("deals.active_partners")
    table = evaluate(tenant, [active], [window], partners=partners, by=BY_PARTNER)
    quiet = [pk for pk in names if not table.get(active, window, pk)]
    quiet.sort(key=lambda pk: names[pk].lower())
    return [{"pk": pk, "name": names[pk]} for pk in quiet[: ATTENTION_ROWS + 1]]


def needs_attention(tenant: Tenant, partners: QuerySet[Any]) -> dict[str, list[Any]]:
    """The objects a CAM should act on, over `partners`: approved registrations expiring within
    `EXPIRING_DAYS`, submitted ones past their decision time, approved MDF requests whose claim
    is due within `CLAIM_DUE_DAYS` with no claim filed yet. Each list holds at most
    `ATTENTION_ROWS` + 1 rows, soonest first (the page says there are more)."""
    now = timezone.now()
    today = tenant_today(tenant)
    limit = ATTENTION_ROWS + 1
    expiring = list(
        Deal.objects.filter(
            tenant=tenant,
            status=Deal.Status.APPROVED,
            expires_at__gte=now,
            expires_at__lte=now + timedelta(days=EXPIRING_DAYS),
            partner__in=partners,
        )
        .select_related("partner")
        .order_by("expires_at", "pk")[:limit]
    )
    overdue = list(
        Deal.objects.filter(
            tenant=tenant,
            status=Deal.Status.SUBMITTED,
            sla_due_at__lt=now,
            partner__in=partners,
        )
        .select_related("partner")
        .order_by("sla_due_at", "pk")[:limit]
    )
    filed = Claim.objects.filter(request=OuterRef("pk")).exclude(status=Claim.Status.DRAFT)
    claims_due = list(
        MdfRequest.objects.filter(
            tenant=tenant,
            status=MdfRequest.Status.APPROVED,
            claim_due_on__isnull=False,
            claim_due_on__lte=today + timedelta(days=CLAIM_DUE_DAYS),
            partner__in=partners,
        )
        .filter(~Exists(filed))
        .select_related("partner")
        .order_by("claim_due_on", "pk")[:limit]
    )
    return {"expiring": expiring, "overdue": overdue, "claims_due": claims_due}


# -- The list behind a figure --------------------------------------------------------------------


def part_metric(metric: Metric, index: int) -> Metric:
    """The numerator (0) or denominator (1) of a ratio metric as a total over the same rows
    (the same `Rows` object: evaluated in the same query as the ratio itself)."""
    assert isinstance(metric.value, Ratio)
    part: Part = metric.value.numerator if index == 0 else metric.value.denominator
    return Metric(
        name=f"{metric.name}#{index}",
        label=metric.label,
        unit="money" if part.money else "count",
        description=metric.description,
        rows=metric.rows,
        value=Total(part),
    )


@dataclass
class PartnerFigure:
    pk: int
    name: str
    value: Decimal | None
    text: str
    before: Decimal | None
    before_text: str
    change: Change | None
    numerator: str = ""
    denominator: str = ""
    numerator_value: Decimal | None = None
    denominator_value: Decimal | None = None
    raw_url: str | None = None

    @property
    def has_rows(self) -> bool:
        """Whether records stand behind the figure: a 0% win rate has its closed deals."""
        return bool(self.denominator_value) or bool(self.value)


def partner_figures(
    tenant: Tenant, metric: Metric, partners: QuerySet[Any], filters: Filters
) -> tuple[list[PartnerFigure], Decimal | None, str]:
    """Every partner of the scope with its value for the period (and the comparison period),
    highest first (lowest first where less is better), partners without a value last; and the
    figure of the whole scope (the tile's). One call of the engine: the metric, its parts and
    the scope's total share their row source's query."""
    currency = tenant.default_currency
    ratio = isinstance(metric.value, Ratio)
    parts = [part_metric(metric, 0), part_metric(metric, 1)] if ratio else []
    names = dict(partners.values_list("pk", "name"))
    periods = [filters.period, filters.comparison]
    # Each partner and the whole scope in one call: every partner also counts in the group ALL,
    # which the engine merges exactly (the figure of the tile, not a sum of partners' ratios).
    groups = by_map("partner and scope", {pk: [pk, ALL] for pk in names})
    table = evaluate(tenant, [metric, *parts], periods, partners=partners, by=groups)
    total = table.get(metric, filters.period)
    figures = []
    for pk, name in names.items():
        value = table.get(metric, filters.period, pk)
        before = table.get(metric, filters.comparison, pk)
        figure = PartnerFigure(
            pk=pk,
            name=name,
            value=value,
            text=metric.format(value, currency=currency),
            before=before,
            before_text=metric.format(before, currency=currency),
            change=change_of(metric, value, before),
        )
        if ratio:
            figure.numerator_value = table.get(parts[0], filters.period, pk)
            figure.denominator_value = table.get(parts[1], filters.period, pk)
            figure.numerator = parts[0].format(figure.numerator_value, currency=currency)
            figure.denominator = parts[1].format(figure.denominator_value, currency=currency)
        figures.append(figure)
    sign = -1 if metric.higher_is_better else 1
    figures.sort(key=lambda f: (f.value is None, sign * (f.value or 0), f.name.lower(), f.pk))
    return figures, total, metric.format(total, currency=currency)


# -- Scopes --------------------------------------------------------------------------------------


def program_partners(membership: Membership) -> QuerySet[Any]:
    """The partners of the program dashboard: every partner the member sees."""
    return visible_partners(membership)


def cams_of(tenant: Tenant) -> list[Membership]:
    """The tenant's active CAMs, by name, for the CAM picker."""
    return list(
        Membership.objects.filter(tenant=tenant, role=Role.CAM, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def cam_partners(cam: Membership) -> QuerySet[Any]:
    """The partners assigned to a CAM."""
    return Partner.objects.filter(tenant_id=cam.tenant_id, pk__in=assigned_partner_ids(cam))


def member_label(membership: Membership) -> str:
    user = membership.user
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.email


# -- Charts --------------------------------------------------------------------------------------


def draw(dashboard: Dashboard, tenant: Tenant) -> None:
    """The dashboard's charts (`prm.charts`: server-rendered SVG, each with its data table for
    screen readers): a sparkline per tile, pipeline and revenue by month against a year
    earlier, revenue won per type, tier and region, the funnel, and the SLA gauge."""
    palette = palette_for(tenant)
    currency = dashboard.currency
    labels = [date_format(m.start, "M Y") for m in dashboard.months]
    for tile in dashboard.tiles:
        tile.spark = sparkline(
            [v for _m, v in tile.months],
            title=_("%(figure)s, last 12 months") % {"figure": capfirst(str(tile.metric.label))},
            x_labels=labels,
            unit=tile.metric.unit,
            currency=currency,
            palette=palette,
        )
    trend = dashboard.trend
    dashboard.trend_chart = line_chart(
        Series(_("Pipeline registered"), [m["pipeline"] for m in trend]),
        Series(_("Revenue won"), [m["revenue"] for m in trend]),
        Series(_("Pipeline a year earlier"), [m["pipeline_before"] for m in trend], dashed=True),
        Series(_("Revenue a year earlier"), [m["revenue_before"] for m in trend], dashed=True),
        x_labels=labels,
        title=_("Pipeline and revenue by month"),
        unit="money",
        currency=currency,
        palette=palette,
        width=720,
        height=260,
    )
    for kind in dashboard.kinds:
        groups = dashboard.breakdowns[kind.key]
        if groups:
            kind.chart = bar_chart(
                [Bar(g.label, g.values.get("deals.revenue_won")) for g in groups],
                title=_("Revenue won %(by)s") % {"by": str(kind.label).lower()},
                horizontal=True,
                unit="money",
                currency=currency,
                palette=palette,
                height=max(80, 36 * len(groups) + 40),
            )
    dashboard.funnel_chart = bar_chart(
        [Bar(capfirst(str(s.metric.label)), s.value) for s in dashboard.funnel],
        title=_("Funnel: registered, approved, won"),
        palette=palette,
        height=180,
    )
    dashboard.sla_chart = gauge(
        dashboard.sla.value,
        title=_("Decisions within the SLA"),
        target=dashboard.sla_target,
        palette=palette,
    )
