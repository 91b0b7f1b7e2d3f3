"""What a QBR shows, read once and frozen: `snapshot_data(qbr, today=...)` returns every figure
of the review as plain JSON values, so that the PDF and the pages render from the snapshot alone.

Nothing here computes a KPI: the figures come from the one metrics layer (`prm.metrics.engine.
evaluate`, one query or two per row source for the quarter, the quarter before, the same quarter
a year earlier, twelve months of trend and the business plan's year to date at once); the lists
(biggest wins, funded campaigns, certifications, the plan's milestones, action items carried over)
from the models of the apps that own them, each in one query.

Values are kept as strings of Decimals (`None` for no value) with the metric's unit, and are
formatted when rendered: the snapshot holds figures, not one language's way of writing them.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from deals.models import Deal
from mdf.models import MdfRequest
from mdf.roi import ROI_FIELDS, with_roi
from partners.models import BusinessPlan, Partner, PlanMilestone
from partners.plans.selectors import milestone_status, owner_label, plan_period
from partners.selectors import assigned_cams
from partners.tiers.selectors import standing_of
from prm.metrics.engine import BY_PARTNER, evaluate
from prm.metrics.periods import (
    QUARTER,
    Period,
    fiscal_quarter_of,
    months_in,
    previous,
    year_earlier,
)
from prm.metrics.registry import Metric
from prm.metrics.registry import get as metric
from training.models import CertificationAward

from ..models import Qbr, QbrActionItem
from ..scorecard import period_label

#: the snapshot's layout; a renderer refuses data of another (a future change says how to read it)
SCHEMA = 1

#: the review's KPI table, section by section, in order
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "deals",
        (
            "deals.pipeline_registered",
            "deals.registered",
            "deals.revenue_won",
            "deals.won",
            "deals.win_rate",
            "deals.average_deal_size",
            "deals.days_to_close",
            "deals.decision_hours",
        ),
    ),
    ("mdf", ("mdf.allocated", "mdf.committed", "mdf.reimbursed", "mdf.utilisation", "mdf.roi")),
    ("training", ("training.courses_passed", "training.certified_users")),
    ("commissions", ("commissions.earned", "commissions.paid", "commissions.incentives_paid")),
    ("engagement", ("partners.monthly_active_rate", "partners.psat", "partners.psat_answers")),
)
#: the monthly trend's series
TREND = ("deals.pipeline_registered", "deals.revenue_won", "deals.registered", "deals.won")
TREND_MONTHS = 12
#: lists are bounded: a review names the biggest, not all
TOP_WINS = 10
MAX_CAMPAIGNS = 15
MAX_CERTIFICATIONS = 40
#: a certification expiring within this many days after the quarter is flagged
EXPIRING_DAYS = 90


@dataclass(frozen=True)
class Quarter:
    """The quarter reviewed and the periods it is compared with."""

    period: Period
    previous: Period
    year_ago: Period
    months: list[Period]

    @classmethod
    def of(cls, start: date, fiscal_start: int) -> "Quarter":
        period = fiscal_quarter_of(start, fiscal_start)
        first = period.end.replace(day=1)
        for _i in range(TREND_MONTHS - 1):
            first = (first - timedelta(days=1)).replace(day=1)
        return cls(
            period=period,
            previous=previous(period, QUARTER, fiscal_start=fiscal_start),
            year_ago=year_earlier(period),
            months=months_in(Period(first, period.end)),
        )


def _registered(names: tuple[str, ...]) -> list[Metric]:
    """The metrics of `names` that are registered (an app may be left out of a deployment)."""
    found = []
    for name in names:
        try:
            found.append(metric(name))
        except ValueError:
            continue
    return found


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot_data(qbr: Qbr, *, today: date | None = None) -> dict[str, Any]:
    """Every figure of `qbr`'s review, as JSON values (see the module's docstring).

    The figures of periods after `today` read as nothing happened yet; the tier and path are
    as of `today` (what the partner's next step is now). Reads only; about a dozen queries
    besides the metrics' own.
    """
    today = today or timezone.localdate()
    tenant = qbr.tenant
    partner = Partner.objects.select_related("tier", "partner_type").get(pk=qbr.partner_id)
    partner.tenant = tenant  # the tier standing reads it: no second query for the same row
    quarter = Quarter.of(qbr.period_start, tenant.fiscal_year_start)
    currency = tenant.default_currency

    plan = (
        BusinessPlan.objects.filter(tenant=tenant, partner=partner, year=quarter.period.end.year)
        .prefetch_related(
            "goals",
            Prefetch("milestones", PlanMilestone.objects.select_related("owner__user")),
        )
        .first()
    )
    plan_to_date = plan_period(plan.year, min(today, quarter.period.end)) if plan else None

    kpi_metrics = _registered(tuple(name for _s, names in SECTIONS for name in names))
    goal_metrics = _registered(tuple(g.metric for g in plan.goals.all())) if plan else []
    metrics = {m.name: m for m in [*kpi_metrics, *goal_metrics]}
    periods = [quarter.period, quarter.previous, quarter.year_ago, *quarter.months]
    if plan_to_date is not None:
        periods.append(plan_to_date)
    table = evaluate(
        tenant, metrics.values(), list(dict.fromkeys(periods)), partners=[partner.pk], by=BY_PARTNER
    )

    def value(m: Metric, period: Period) -> str | None:
        return _text(table.get(m, period, partner.pk))

    kpis = {
        section: [
            {
                "metric": m.name,
                "label": str(m.label),
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                "value": value(m, quarter.period),
                "previous": value(m, quarter.previous),
                "year_ago": value(m, quarter.year_ago),
            }
            for m in kpi_metrics
            if m.name in names
        ]
        for section, names in SECTIONS
    }
    trend = {
        "months": [p.start.isoformat() for p in quarter.months],
        "series": [
            {
                "metric": m.name,
                "label": str(m.label),
                "unit": m.unit,
                "values": [value(m, p) for p in quarter.months],
            }
            for m in _registered(TREND)
        ],
    }
    standing = standing_of(partner, today)
    fiscal = tenant.fiscal_year_start
    return {
        "schema": SCHEMA,
        "built_on": today.isoformat(),
        "currency": currency,
        "vendor": tenant.name,
        "partner": {
            "name": partner.name,
            "type": partner.partner_type.name if partner.partner_type else "",
            "tier": partner.tier.name if partner.tier else "",
            "region": partner.get_region_display() if partner.region else "",
            "cams": [owner_name(m) for m in assigned_cams(partner=partner)],
        },
        "quarter": {
            "label": period_label(QUARTER, quarter.period, fiscal),
            "start": quarter.period.start.isoformat(),
            "end": quarter.period.end.isoformat(),
            "previous": period_label(QUARTER, quarter.previous, fiscal),
            "year_ago": period_label(QUARTER, quarter.year_ago, fiscal),
        },
        "kpis": kpis,
        "trend": trend,
        "plan": _plan(plan, plan_to_date, metrics, table, partner.pk, today),
        "wins": _wins(partner, quarter.period),
        "campaigns": _campaigns(partner, quarter.period),
        "certifications": _certifications(partner, quarter.period),
        "tier": {
            "current": standing.current.name if standing and standing.current else "",
            "next": standing.upcoming.name if standing and standing.upcoming else "",
            "path": standing.path if standing else "",
        },
        "carried": _carried(qbr, quarter.period),
    }


def owner_name(membership: Any) -> str:
    """A person as the review names them: their full name, else their email."""
    return membership.user.get_full_name() or membership.user.email


def _plan(
    plan: BusinessPlan | None,
    to_date: Period | None,
    metrics: dict[str, Metric],
    table: Any,
    partner_id: int,
    today: date,
) -> dict[str, Any] | None:
    if plan is None or to_date is None:
        return None
    goals = []
    for goal in plan.goals.all():
        m = metrics.get(goal.metric)
        goals.append(
            {
                "label": str(m.label).capitalize() if m else goal.metric,
                "unit": m.unit if m else "count",
                "target": str(goal.target),
                "actual": _text(table.get(m, to_date, partner_id)) if m else None,
                "note": goal.note,
            }
        )
    return {
        "year": plan.year,
        "summary": plan.summary,
        "to": to_date.end.isoformat(),
        "goals": goals,
        "milestones": [
            {
                "title": ms.title,
                "owner": owner_label(ms.owner),
                "due_on": _day(ms.due_on),
                "done_on": _day(ms.done_on),
                "status": milestone_status(ms, today),
            }
            for ms in plan.milestones.all()
        ],
    }


def _wins(partner: Partner, period: Period) -> list[dict[str, Any]]:
    """The quarter's biggest won registrations (by amount, in their own currencies)."""
    rows = (
        Deal.objects.filter(
            tenant_id=partner.tenant_id,
            partner=partner,
            status=Deal.Status.WON,
            closed_on__range=(period.start, period.end),
        )
        .order_by(F("won_amount").desc(nulls_last=True), "closed_on", "pk")
        .values("number", "customer_name", "won_amount", "amount", "currency", "closed_on")[
            :TOP_WINS
        ]
    )
    return [
        {
            "number": r["number"],
            "customer": r["customer_name"],
            "amount": str(r["won_amount"] if r["won_amount"] is not None else r["amount"]),
            "currency": r["currency"],
            "closed_on": _day(r["closed_on"]),
        }
        for r in rows
    ]


def _campaigns(partner: Partner, period: Period) -> list[dict[str, Any]]:
    """The partner's approved MDF campaigns running in the quarter, with spend and return."""
    approved = ~Q(approved_amount=None)
    overlapping = Q(starts_on__lte=period.end, ends_on__gte=period.start) | Q(
        starts_on=None, decided_at__date__range=(period.start, period.end)
    )
    rows = (
        with_roi(MdfRequest.objects.filter(tenant_id=partner.tenant_id, partner=partner))
        .filter(approved, overlapping)
        .order_by("starts_on", "pk")
        .values(
            "number",
            "title",
            "status",
            "approved_amount",
            "currency",
            "starts_on",
            "ends_on",
            *ROI_FIELDS,
        )[:MAX_CAMPAIGNS]
    )
    status_label = dict(MdfRequest.Status.choices)
    return [
        {
            "number": r["number"],
            "title": r["title"],
            "status": str(status_label.get(r["status"], r["status"])),
            "approved": _text(r["approved_amount"]),
            "currency": r["currency"],
            "starts_on": _day(r["starts_on"]),
            "ends_on": _day(r["ends_on"]),
            "spend": _text(r["roi_spend"]),
            "pipeline": _text(r["roi_pipeline"]),
            "revenue": _text(r["roi_revenue"]),
            "leads": r["roi_leads"],
        }
        for r in rows
    ]


def _certifications(partner: Partner, period: Period) -> list[dict[str, Any]]:
    """Certifications the partner's people held at the quarter's end, soonest expiry first;
    `expiring` when one runs out within `EXPIRING_DAYS` after the quarter."""
    _first, after = period.moments()
    soon = after + timedelta(days=EXPIRING_DAYS)
    rows = (
        CertificationAward.objects.filter(
            tenant_id=partner.tenant_id,
            partner=partner,
            earned_at__lt=after,
        )
        .filter(Q(revoked_at=None) | Q(revoked_at__gte=after))
        .filter(Q(expires_at=None) | Q(expires_at__gte=after))
        .order_by(F("expires_at").asc(nulls_last=True), "pk")
        .values(
            "certification__name",
            "membership__user__full_name",
            "membership__user__email",
            "earned_at",
            "expires_at",
        )[:MAX_CERTIFICATIONS]
    )
    zone = timezone.get_current_timezone()
    found = []
    for r in rows:
        name = r["membership__user__full_name"]
        expires = r["expires_at"]
        found.append(
            {
                "certification": r["certification__name"],
                "holder": name or r["membership__user__email"],
                "earned_on": r["earned_at"].astimezone(zone).date().isoformat(),
                "expires_on": expires.astimezone(zone).date().isoformat() if expires else None,
                "expiring": expires is not None and expires < soon,
            }
        )
    return found


def _carried(qbr: Qbr, period: Period) -> list[dict[str, Any]]:
    """Action items of the partner's earlier QBRs still open, or closed during this quarter:
    what the review follows up on."""
    items = (
        QbrActionItem.objects.filter(
            tenant_id=qbr.tenant_id,
            partner_id=qbr.partner_id,
            qbr__period_start__lt=qbr.period_start,
        )
        .filter(Q(status=QbrActionItem.Status.OPEN) | Q(done_on__range=(period.start, period.end)))
        .select_related("owner__user", "qbr__tenant")
        .order_by("due_on", "pk")
    )
    return [action_item_data(item) for item in items]


def action_item_data(item: QbrActionItem) -> dict[str, Any]:
    """An action item as a snapshot keeps it (its QBR with its tenant, and its owner, must be
    loaded)."""
    return {
        "title": item.title,
        "owner": owner_label(item.owner),
        "vendor_side": item.owner.partner_id is None,
        "due_on": _day(item.due_on),
        "status": item.status,
        "done_on": _day(item.done_on),
        "from_quarter": item.qbr.period_start.isoformat(),
        # the label as read now: a later change of the fiscal year must not reword a frozen PDF
        "from_label": period_label(
            QUARTER,
            Period(item.qbr.period_start, item.qbr.period_end),
            item.qbr.tenant.fiscal_year_start,
        ),
    }


def digest(data: dict[str, Any]) -> str:
    """The sha256 of a snapshot's figures, leaving out the day they were read: two snapshots
    with the same digest show the same review."""
    figures = {k: v for k, v in data.items() if k != "built_on"}
    text = json.dumps(figures, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
