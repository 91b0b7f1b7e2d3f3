"""The partner scorecard in the portal: what it shows, read through the one metrics layer.

A partner admin sees the company's KPIs for a period (this fiscal quarter unless asked
otherwise), each against its tier's median and top quartile, the last twelve months' trend, the
path to the next tier and plain highlights ("2 registrations' protection ends within 7 days").
A rep sees their own figures only (`evaluate(..., member=...)`: the registrations they
submitted, the courses they passed, the certifications they hold), with no tier benchmark.

Every figure comes from `prm.metrics.engine.evaluate`; the tier path from
`partners.tiers.selectors.standing_of`; the highlights from the selectors of the apps that own
them (deals, commissions' money sources, training, MDF). Nothing here computes a KPI.

The benchmark is worked out over the per-partner values of ONE `evaluate(..., by=BY_PARTNER)`
over the tier's partners: the median and the top quartile are percentiles over partners (what
"your tier's top quartile of partners" means), interpolated as PostgreSQL's `percentile_cont`.
It is shown only when at least `MIN_PEERS` partners of the tier (active ones, the partner itself
included) have a value for the metric: with fewer, the figures could give away one other
partner's value (a median of two is their average with ours).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_skeleton
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commissions.portal import earnings_owner, sees_earnings
from deals.models import Deal
from deals.selectors import deals_for, home_summary, status_counts
from mdf.portal import home_summary as mdf_summary
from partners.models import Partner
from partners.tiers.selectors import Standing, standing_of
from prm.charts import Chart, Series, line_chart, palette_for, sparkline
from prm.dates import babel_locale, format_day
from prm.earnings import APPROVED, earnings_of, next_payout_of, totals_by_state
from prm.exchange.services import tenant_today
from prm.filters import QueryForm
from prm.metrics.engine import ALL, BY_PARTNER, Table, evaluate
from prm.metrics.periods import (
    LAST_90,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    fiscal_quarter_number,
    fiscal_year_name,
    month_of,
    months_in,
    period_for,
)
from prm.metrics.registry import Metric, get
from prm.money import format_money
from prm.tenancy.models import Membership
from training.selectors import learner_counts

#: a tier benchmark needs this many partners with a value (the partner itself included)
MIN_PEERS = 5

#: the company's KPIs, in the order of the cards
COMPANY_METRICS = (
    "deals.revenue_won",
    "deals.pipeline_registered",
    "deals.won",
    "deals.win_rate",
    "deals.average_deal_size",
    "deals.days_to_close",
    "partners.monthly_active_rate",
    "training.courses_passed",
    "training.certified_users",
    "mdf.utilisation",
    "mdf.roi",
    "commissions.earned",
    "partners.psat",
)
#: money the company earns: shown only to members the tenant shows earnings to
EARNINGS_METRICS = ("commissions.earned",)
#: a rep's own figures
REP_METRICS = (
    "deals.registered",
    "deals.pipeline_registered",
    "deals.won",
    "deals.revenue_won",
    "deals.win_rate",
    "training.courses_passed",
    "training.certified_users",
)
#: the trend chart's series
TREND_METRICS = ("deals.revenue_won", "deals.pipeline_registered")
TREND_MONTHS = 12

SPAN_CHOICES = [
    (MONTH, gettext_lazy("This month")),
    (QUARTER, gettext_lazy("This quarter")),
    (YEAR, gettext_lazy("This year")),
    (LAST_90, gettext_lazy("Last 90 days")),
]


class ScorecardQuery(QueryForm):
    """The scorecard's period (`?span=`); anything else is this fiscal quarter."""

    span = forms.ChoiceField(choices=SPAN_CHOICES, label=gettext_lazy("Period"))


def percentile(values: Sequence[Decimal], fraction: Decimal) -> Decimal:
    """The `fraction` percentile of `values`, interpolated between the two nearest values as
    PostgreSQL's `percentile_cont` does (the median is 0.5)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class Benchmark:
    median: Decimal
    top_quartile: Decimal
    median_text: str
    top_quartile_text: str
    #: "In your tier's top quartile", "Above your tier's median", ...
    sentence: str
    #: "top", "above", "at", "below": how the template marks it
    standing: str


@dataclass
class Kpi:
    metric: Metric
    value: Decimal | None
    text: str
    benchmark: Benchmark | None = None
    #: why there is no benchmark, when the card compares against the tier
    note: str = ""
    #: the last twelve months' values, oldest first
    spark: list[Decimal | None] = field(default_factory=list)
    #: those values drawn (`prm.charts.sparkline`, with its data table)
    sparkline: Chart | None = None

    @property
    def name(self) -> str:
        return self.metric.name.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class TrendRow:
    month: Period
    revenue: Decimal | None
    pipeline: Decimal | None


@dataclass(frozen=True)
class Highlight:
    key: str  # the element's id
    icon: str  # a Bootstrap Icons name
    text: str
    url: str
    tone: str = ""  # "warning" for something that needs doing soon


@dataclass
class Scorecard:
    company: bool
    span: str
    period: Period
    period_label: str
    currency: str
    kpis: list[Kpi]
    trend: list[TrendRow]
    highlights: list[Highlight]
    standing: Standing | None = None
    tier_name: str = ""
    #: active partners of the tier (the partner included); 0 without a tier
    peers: int = 0
    #: why the cards show no benchmark at all ("" when they compare)
    tier_note: str = ""
    #: the trend drawn (`prm.charts.line_chart`, its data table in a disclosure)
    trend_chart: Chart | None = None

    @property
    def trend_has_values(self) -> bool:
        return any(r.revenue or r.pipeline for r in self.trend)


def last_months(today: date, count: int = TREND_MONTHS) -> list[Period]:
    """The last `count` calendar months, this one last. Whole months (nothing has happened after
    today yet), so that the engine reads them all from one query grouped by month."""
    this_month = month_of(today)
    first = this_month.start
    for _i in range(count - 1):
        first = month_of(first - timedelta(days=1)).start
    return months_in(Period(first, this_month.end))


def period_label(span: str, period: Period, fiscal_start: int) -> str:
    if span == QUARTER:
        return _("Q%(quarter)s of fiscal %(year)s") % {
            "quarter": fiscal_quarter_number(period, fiscal_start),
            "year": fiscal_year_name(period, fiscal_start),
        }
    if span == YEAR:
        return _("Fiscal %(year)s") % {"year": fiscal_year_name(period, fiscal_start)}
    return _("%(start)s to %(end)s") % {
        "start": format_day(period.start),
        "end": format_day(period.end),
    }


def tier_peers(partner: Partner) -> QuerySet[Partner]:
    """The tier's partners a benchmark is worked out over: its active partners and the partner
    itself; none when the partner has no tier."""
    if partner.tier_id is None:
        return Partner.objects.none()
    return Partner.objects.filter(tenant_id=partner.tenant_id, tier_id=partner.tier_id).filter(
        Q(status=Partner.Status.ACTIVE) | Q(pk=partner.pk)
    )


def tier_peer_ids(partner: Partner) -> list[int]:
    """`tier_peers`' ids (one query)."""
    return list(tier_peers(partner).order_by("pk").values_list("pk", flat=True))


def benchmark(metric: Metric, own: Decimal | None, values: list[Decimal], currency: str) -> Any:
    """The tier's median and top quartile of `values` (each partner's value, ours included) and
    where `own` stands; a note instead when fewer than `MIN_PEERS` partners have a value."""
    if len(values) < MIN_PEERS:
        return _("Too few partners of your tier have this figure to compare against.")
    places = Decimal("0.01") if metric.unit == "money" else Decimal("0.1")
    mid = percentile(values, Decimal("0.5")).quantize(places, ROUND_HALF_UP)
    # the top quartile of partners: the best quarter, low values when lower is better
    top = percentile(values, Decimal("0.75") if metric.higher_is_better else Decimal("0.25"))
    top = top.quantize(places, ROUND_HALF_UP)
    if own is None:
        standing, sentence = "", _("No figure of yours this period to compare.")
    else:
        better = (lambda a, b: a >= b) if metric.higher_is_better else (lambda a, b: a <= b)
        if better(own, top) and own != mid:
            standing, sentence = "top", _("In your tier's top quartile")
        elif own == mid:
            standing, sentence = "at", _("At your tier's median")
        elif better(own, mid):
            standing, sentence = "above", _("Above your tier's median")
        else:
            standing, sentence = "below", _("Below your tier's median")
    return Benchmark(
        median=mid,
        top_quartile=top,
        median_text=metric.format(mid, currency=currency),
        top_quartile_text=metric.format(top, currency=currency),
        sentence=sentence,
        standing=standing,
    )


def month_label(month: Period) -> str:
    """ "Dec 2026" (en), "Dez. 2026" (de): a chart's month, its name as a word."""
    return format_skeleton("yMMM", month.start, locale=babel_locale())


def _trend(table: Table, months: list[Period], key: Any) -> list[TrendRow]:
    revenue, pipeline = get(TREND_METRICS[0]), get(TREND_METRICS[1])
    return [
        TrendRow(
            month=month,
            revenue=table.get(revenue, month, key),
            pipeline=table.get(pipeline, month, key),
        )
        for month in months
    ]


def draw(card: "Scorecard", membership: Membership, months: list[Period]) -> None:
    """The card's charts, in the tenant's colours: each KPI's sparkline and the trend."""
    palette = palette_for(membership.tenant)
    labels = [month_label(m) for m in months]
    for kpi in card.kpis:
        kpi.sparkline = sparkline(
            kpi.spark,
            title=_("%(label)s, last 12 months") % {"label": str(kpi.metric.label).capitalize()},
            x_labels=labels,
            unit=kpi.metric.unit,
            currency=card.currency,
            palette=palette,
        )
    card.trend_chart = line_chart(
        Series(_("Revenue won"), [r.revenue for r in card.trend]),
        Series(_("Pipeline registered"), [r.pipeline for r in card.trend]),
        x_labels=labels,
        title=_("Revenue won and pipeline registered by month"),
        unit="money",
        currency=card.currency,
        palette=palette,
        x_title=_("Month"),
        width=640,
        height=240,
        table="details",
    )


def scorecard_of(membership: Membership, *, span: str = "") -> Scorecard:
    """The member's scorecard for `span` (this fiscal quarter when empty or unknown): the
    company's for a partner admin, their own for a rep."""
    tenant = membership.tenant
    partner = membership.partner
    assert partner is not None  # portal.scorecard: a partner user
    fiscal_start = tenant.fiscal_year_start
    today = tenant_today(tenant)
    span = span if span in dict(SPAN_CHOICES) else QUARTER
    period = period_for(span, today, fiscal_start=fiscal_start)
    months = last_months(today)
    currency = tenant.default_currency
    # the company's figures to those who see the company's registrations (partner admins)
    company = membership.can("portal.deals.company")
    if company:
        card = _company(membership, partner, period, months, currency)
    else:
        card = _rep(membership, partner, period, months, currency)
    card.span = span
    card.period_label = period_label(span, period, fiscal_start)
    card.highlights = highlights_of(membership)
    draw(card, membership, months)
    return card


def _company(
    membership: Membership,
    partner: Partner,
    period: Period,
    months: list[Period],
    currency: str,
) -> Scorecard:
    tenant = membership.tenant
    names = [n for n in COMPANY_METRICS if n not in EARNINGS_METRICS or sees_earnings(membership)]
    metrics = [get(n) for n in names]
    peers = tier_peer_ids(partner)
    compare = len(peers) >= MIN_PEERS
    # ONE evaluation over the tier's partners (just ours without a benchmark): every partner's
    # value of every KPI for the period, which the percentiles are taken over. The tier as a
    # subquery: its thousands of ids inlined in each row source's query cost more to send
    scope: Any = tier_peers(partner) if compare else [partner.pk]
    table = evaluate(tenant, metrics, [period], partners=scope, by=BY_PARTNER)
    # the partner's twelve months, for the trend and the sparklines
    trend = evaluate(tenant, metrics, months, partners=[partner.pk], by=BY_PARTNER)
    kpis = []
    for metric in metrics:
        own = table.get(metric, period, partner.pk)
        kpi = Kpi(
            metric=metric,
            value=own,
            text=metric.format(own, currency=currency),
            spark=[trend.get(metric, m, partner.pk) for m in months],
        )
        if compare:
            values = [v for pk in peers if (v := table.get(metric, period, pk)) is not None]
            found = benchmark(metric, own, values, currency)
            if isinstance(found, Benchmark):
                kpi.benchmark = found
            else:
                kpi.note = found
        kpis.append(kpi)
    tier_note = ""
    if partner.tier_id is None:
        tier_note = _("Your company has no tier yet, so there is no tier to compare against.")
    elif not compare:
        tier_note = _("Your tier has too few partners to compare against.")
    return Scorecard(
        company=True,
        span="",
        period=period,
        period_label="",
        currency=currency,
        kpis=kpis,
        trend=_trend(trend, months, partner.pk),
        highlights=[],
        standing=standing_of(partner, tenant_today(tenant)),
        tier_name=partner.tier.name if partner.tier_id and partner.tier else "",
        peers=len(peers),
        tier_note=tier_note,
    )


def _rep(
    membership: Membership,
    partner: Partner,
    period: Period,
    months: list[Period],
    currency: str,
) -> Scorecard:
    tenant = membership.tenant
    metrics = [get(n) for n in REP_METRICS]
    # the rep's own rows only (the registrations they submitted, their enrolments and
    # certifications): the same declarations narrowed to one member
    table = evaluate(tenant, metrics, [period, *months], partners=[partner.pk], member=membership)
    kpis = [
        Kpi(
            metric=m,
            value=(own := table.get(m, period)),
            text=m.format(own, currency=currency),
            spark=[table.get(m, month) for month in months],
        )
        for m in metrics
    ]
    return Scorecard(
        company=False,
        span="",
        period=period,
        period_label="",
        currency=currency,
        kpis=kpis,
        trend=_trend(table, months, ALL),
        highlights=[],
    )


def highlights_of(membership: Membership) -> list[Highlight]:
    """What needs the member's attention, in plain words, each with its link: only those that
    hold, each read from the selector of the app that owns it."""
    found: list[Highlight] = []
    if membership.can("portal.deals"):
        found.extend(_deal_highlights(membership))
    if sees_earnings(membership):
        found.extend(_money_highlights(membership))
    if membership.can("portal.training"):
        found.extend(_training_highlights(membership))
    if membership.can("portal.mdf"):
        found.extend(_mdf_highlights(membership))
    return found


def _deal_highlights(membership: Membership) -> list[Highlight]:
    summary = home_summary(membership)
    listing = reverse("deals:list")
    found = []
    if summary.expiring:
        url = (
            reverse("deals:detail", args=[summary.expiring_id])
            if summary.expiring == 1 and summary.expiring_id
            else f"{listing}?expiring=1"
        )
        found.append(
            Highlight(
                key="highlight-expiring",
                icon="hourglass-split",
                text=ngettext(
                    "%(count)s deal's protection ends within %(days)s days",
                    "%(count)s deals' protection ends within %(days)s days",
                    summary.expiring,
                )
                % {"count": summary.expiring, "days": summary.warning_days},
                url=url,
                tone="warning",
            )
        )
    waiting = status_counts(deals_for(membership=membership)).get(Deal.Status.SUBMITTED, 0)
    if waiting:
        found.append(
            Highlight(
                key="highlight-waiting",
                icon="clock-history",
                text=ngettext(
                    "%(count)s registration waiting for a decision",
                    "%(count)s registrations waiting for a decision",
                    waiting,
                )
                % {"count": waiting},
                url=f"{listing}?status={Deal.Status.SUBMITTED}",
            )
        )
    if summary.info_requested:
        found.append(
            Highlight(
                key="highlight-info",
                icon="question-circle",
                text=ngettext(
                    "%(count)s registration needs more information from you",
                    "%(count)s registrations need more information from you",
                    summary.info_requested,
                )
                % {"count": summary.info_requested},
                url=f"{listing}?status={Deal.Status.INFO_REQUESTED}",
                tone="warning",
            )
        )
    return found


def _money_highlights(membership: Membership) -> list[Highlight]:
    tenant = membership.tenant
    assert membership.partner_id is not None
    earnings = earnings_of(tenant, membership.partner_id, earnings_owner(membership))
    approved = totals_by_state(earnings)[APPROVED]
    if not approved:
        return []
    payout = next_payout_of(tenant, membership.partner_id)
    amounts = ", ".join(format_money(v, c) for c, v in sorted(approved.items()) if v)
    if not amounts:
        return []
    if payout is not None:
        text = _("%(amount)s approved, paid on %(day)s") % {
            "amount": amounts,
            "day": format_day(payout),
        }
    else:
        text = _("%(amount)s approved, waiting for the next payout") % {"amount": amounts}
    url = reverse("commissions:money")
    return [Highlight(key="highlight-money", icon="cash-coin", text=text, url=url)]


def _training_highlights(membership: Membership) -> list[Highlight]:
    counts = learner_counts(membership)
    if not counts.in_progress:
        return []
    return [
        Highlight(
            key="highlight-training",
            icon="mortarboard",
            text=ngettext(
                "%(count)s course to finish",
                "%(count)s courses to finish",
                counts.in_progress,
            )
            % {"count": counts.in_progress},
            url=f"{reverse('training:catalogue')}?status=in_progress",
        )
    ]


def _mdf_highlights(membership: Membership) -> list[Highlight]:
    summary = mdf_summary(membership)
    found = []
    if summary.open_funds:
        fund, available, currency = summary.open_funds[0]
        found.append(
            Highlight(
                key="highlight-mdf",
                icon="piggy-bank",
                text=_("MDF: %(amount)s left to request from %(fund)s before %(day)s")
                % {
                    "amount": format_money(available, currency),
                    "fund": fund.name,
                    "day": format_day(fund.closes_on),
                },
                url=reverse("mdf:request_new", args=[fund.pk]),
            )
        )
    if summary.claim_due is not None:
        due = summary.claim_due
        found.append(
            Highlight(
                key="highlight-claim",
                icon="receipt",
                text=_("MDF claim due %(day)s for %(ref)s")
                % {"day": format_day(due.claim_due_on), "ref": due.reference},
                url=reverse("mdf:request", args=[due.pk]),
                tone="warning",
            )
        )
    return found
