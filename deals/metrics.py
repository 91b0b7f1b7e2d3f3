"""The deals app's metrics, registered in the core registry (prm.metrics).

Money metrics are in the tenant's default currency: amounts are summed per currency in the
database, then converted at the tenant's exchange rate in force on the period's last day
(`prm.exchange.rates`: reporting only, no deal's amount changes). A currency without a rate on
that day is left out, never guessed.

Rows: registrations count in the period they were submitted in, closed deals in the period of
their close date, decisions in the period they were made in (a day of the tenant's calendar).

- `deals.registered`, `deals.pipeline_registered`: registrations submitted and their amounts.
- `deals.approved`: registrations approved in the period (the funnel's middle step).
- `deals.won`, `deals.revenue_won`: deals won and their final amounts.
- `deals.win_rate`: won ÷ closed (won or lost), a ratio of sums.
- `deals.average_deal_size`: revenue won ÷ deals won.
- `deals.days_to_close`: the median number of days from submission to the close of deals won.
- `deals.decision_hours`: the median business hours from submission to the CAM's decision.
- `deals.sla_attainment`: decisions made by their due time ÷ decisions made.
- `deals.time_to_first_deal`: the median days from joining the program to the first
  registration, over the partners whose first registration was in the period (the program's
  90-day benchmark).
- `deals.active_partners`: partners with a registration submitted or a user signed in during the
  period, a distinct count (per partner: 1 or 0, what "no deal or login for 60 days" reads).
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from prm.accounts.models import SignInDay
from prm.metrics.periods import Period
from prm.metrics.registry import (
    DaysBetween,
    Distinct,
    Median,
    Metric,
    Part,
    Ratio,
    Rows,
    Total,
    admin_list,
    in_days,
    register,
)
from prm.tenancy.models import Tenant

from .models import Deal

S = Deal.Status


# the registrations list filtered to a metric's rows ("status": the list's own filter, "all" for
# every status)
DEALS = "admin:deals_deal_changelist"
SUBMITTED_LIST = admin_list(DEALS, days="submitted_at__date", status="all")
CLOSED_LIST = admin_list(DEALS, days="closed_on", status="all")
WON_LIST = admin_list(DEALS, days="closed_on", status=S.WON)
DECIDED_LIST = admin_list(DEALS, days="decided_at__date", status="all")
APPROVED_LIST = admin_list(DEALS, days="approved_at__date", status="all")


SUBMITTED = Rows(
    queryset=lambda tenant: Deal.objects.filter(tenant=tenant, submitted_at__isnull=False),
    day="submitted_at__date",
    currency="currency",
    name="registrations submitted",
    member="owner",
)
CLOSED = Rows(
    queryset=lambda tenant: Deal.objects.filter(tenant=tenant, status__in=[S.WON, S.LOST]),
    day="closed_on",
    currency="currency",
    name="deals closed",
    member="owner",
)
DECIDED = Rows(
    queryset=lambda tenant: Deal.objects.filter(tenant=tenant, decided_at__isnull=False),
    day="decided_at__date",
    name="registrations decided",
    member="owner",
)
APPROVED = Rows(
    queryset=lambda tenant: Deal.objects.filter(tenant=tenant, approved_at__isnull=False),
    day="approved_at__date",
    name="registrations approved",
    member="owner",
)


def _first_registrations(tenant: Tenant) -> QuerySet[Partner]:
    # Each partner that joined, with its first registration's submission: one top-1 probe of
    # the (tenant, partner, submitted_at) index per partner. Over the partners rather than an
    # anti-join over every registration, which cost a second at scale M for a chart's months.
    first = (
        Deal.objects.filter(tenant=tenant, partner=OuterRef("pk"), submitted_at__isnull=False)
        .order_by("submitted_at")
        .values("submitted_at")[:1]
    )
    return Partner.objects.filter(tenant=tenant, joined_on__isnull=False).annotate(
        first_registered_at=Subquery(first)
    )


FIRST_DEALS = Rows(
    queryset=_first_registrations,
    day="first_registered_at__date",
    partner="",
    name="partners' first registrations",
)


def _active(period: Period) -> Q:
    deals = Deal.objects.filter(in_days("submitted_at__date", period), partner=OuterRef("pk"))
    sign_ins = SignInDay.objects.filter(in_days("day", period), membership__partner=OuterRef("pk"))
    return Q(Exists(deals)) | Q(Exists(sign_ins))


PARTNERS = Rows(
    queryset=lambda tenant: Partner.objects.filter(tenant=tenant),
    in_period=lambda period: Q(),
    partner="",
    name="partners",
)

WON = Q(status=S.WON)

for metric in [
    Metric(
        name="deals.registered",
        label=_("deals registered"),
        label_one=_("deal registered"),
        unit="count",
        description=_("Registrations submitted in the period."),
        rows=SUBMITTED,
        value=Total(Part(1)),
        list_url=SUBMITTED_LIST,
    ),
    Metric(
        name="deals.pipeline_registered",
        label=_("pipeline registered"),
        unit="money",
        description=_(
            "Amounts of the registrations submitted in the period, in the tenant's currency at "
            "the rates in force on the period's last day; currencies without a rate are left out."
        ),
        rows=SUBMITTED,
        value=Total(Part("amount", money=True)),
        list_url=SUBMITTED_LIST,
    ),
    Metric(
        name="deals.approved",
        label=_("registrations approved"),
        label_one=_("registration approved"),
        unit="count",
        description=_("Registrations a CAM approved in the period."),
        rows=APPROVED,
        value=Total(Part(1)),
        list_url=APPROVED_LIST,
    ),
    Metric(
        name="deals.won",
        label=_("deals won"),
        label_one=_("deal won"),
        unit="count",
        description=_("Deals closed as won in the period."),
        rows=CLOSED,
        value=Total(Part(1, where=WON)),
        list_url=WON_LIST,
    ),
    Metric(
        name="deals.revenue_won",
        label=_("revenue won"),
        unit="money",
        description=_(
            "Final amounts of the deals won in the period, in the tenant's currency at the rates "
            "in force on the period's last day; currencies without a rate are left out."
        ),
        rows=CLOSED,
        value=Total(Part("won_amount", where=WON, money=True)),
        list_url=WON_LIST,
    ),
    Metric(
        name="deals.win_rate",
        label=_("win rate"),
        unit="percent",
        description=_("Deals won among the deals closed (won or lost) in the period."),
        rows=CLOSED,
        value=Ratio(Part(1, where=WON), Part(1)),
        list_url=CLOSED_LIST,
    ),
    Metric(
        name="deals.average_deal_size",
        label=_("average deal size"),
        unit="money",
        description=_("Revenue won in the period divided by the number of deals won."),
        rows=CLOSED,
        value=Ratio(
            Part("won_amount", where=WON, money=True), Part(1, where=WON), scale=1, places="0.01"
        ),
        list_url=WON_LIST,
    ),
    Metric(
        name="deals.days_to_close",
        label=_("days to close"),
        unit="days",
        description=_("Median days from submitting a registration to winning the deal."),
        rows=CLOSED,
        value=Median(
            DaysBetween("closed_on", TruncDate("submitted_at")),
            where=WON & Q(submitted_at__isnull=False),
            places="1",
        ),
        higher_is_better=False,
        list_url=WON_LIST,
    ),
    Metric(
        name="deals.decision_hours",
        label=_("decision time (business hours)"),
        unit="hours",
        description=_(
            "Median business hours from a registration's submission to the CAM's decision."
        ),
        rows=DECIDED,
        value=Median("decision_hours", where=Q(decision_hours__isnull=False)),
        higher_is_better=False,
        list_url=DECIDED_LIST,
    ),
    Metric(
        name="deals.sla_attainment",
        label=_("decisions within the SLA"),
        unit="percent",
        description=_("Decisions made by their due time among the decisions made in the period."),
        rows=DECIDED,
        value=Ratio(
            Part(1, where=Q(sla_due_at__isnull=False, decided_at__lte=F("sla_due_at"))),
            Part(1, where=Q(sla_due_at__isnull=False)),
        ),
        list_url=DECIDED_LIST,
    ),
    Metric(
        name="deals.time_to_first_deal",
        label=_("days to first deal"),
        unit="days",
        description=_(
            "Median days from joining the program to the first registration, over the partners "
            "whose first registration was in the period."
        ),
        rows=FIRST_DEALS,
        value=Median(
            DaysBetween(TruncDate("first_registered_at"), "joined_on"),
            places="1",
        ),
        higher_is_better=False,
    ),
    Metric(
        name="deals.active_partners",
        label=_("active partners"),
        label_one=_("active partner"),
        unit="count",
        description=_(
            "Partners that registered a deal or whose users signed in to the portal in the period."
        ),
        rows=PARTNERS,
        value=Distinct("id", where=_active),
    ),
]:
    register(metric)
