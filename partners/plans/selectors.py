"""Reads of joint business plans: who may do what, the plans a member sees, goal progress.

The writes are in `partners.plans.services`.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.metrics import registry
from prm.metrics.periods import Period, year_of
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from ..models import BusinessPlan, Partner, PlanGoal, PlanMilestone
from ..selectors import assigned_cams

# -- Who may do what ------------------------------------------------------------------------


def may_see(actor: Membership, partner: Partner) -> bool:
    if actor.tenant_id != partner.tenant_id:
        return False
    if actor.is_vendor_staff:
        return visible_partners(actor).filter(pk=partner.pk).exists()
    return actor.partner_id == partner.pk


def may_edit(actor: Membership, partner: Partner) -> bool:
    """Vendor staff who see the partner (a CAM: only an assigned one) or the partner's admins."""
    capability = "partners.plan.edit" if actor.is_vendor_staff else "portal.plan.edit"
    return actor.can(capability) and may_see(actor, partner)


def may_mark_done(actor: Membership, milestone: PlanMilestone, partner: Partner) -> bool:
    """Whoever may edit the plan, and the milestone's owner while they still see the partner."""
    owns = milestone.owner_id == actor.pk and may_see(actor, partner)
    return owns or may_edit(actor, partner)


def plannable_years(today: date | None = None) -> range:
    """Plans are made for last year (catching up), this year and next year."""
    year = (today or timezone.localdate()).year
    return range(year - 1, year + 2)


# -- Reads ----------------------------------------------------------------------------------


def plan_create_error(*, partner: Partner, year: int) -> str | None:
    """Why `partner` cannot get a plan for `year`, or None (forms show it beside the year)."""
    years = plannable_years()
    if year not in years:
        return _("Plans are made for %(first)s, %(middle)s or %(last)s.") % {
            "first": years[0],
            "middle": years[1],
            "last": years[2],
        }
    exists = BusinessPlan.objects.filter(tenant_id=partner.tenant_id, partner=partner, year=year)
    if exists.exists():
        return _("%(partner)s has a plan for %(year)s already.") % {
            "partner": partner.name,
            "year": year,
        }
    return None


def plans_for(*, membership: Membership) -> QuerySet[BusinessPlan]:
    """The plans of the partners the member sees."""
    return BusinessPlan.objects.filter(
        tenant_id=membership.tenant_id, partner__in=visible_partners(membership)
    ).select_related("partner")


def plan_of(*, partner: Partner, year: int) -> BusinessPlan | None:
    """The partner's plan for `year`, with its goals and its milestones' owners (3 queries)."""
    milestones = PlanMilestone.objects.select_related("owner__user").order_by("due_on", "pk")
    return (
        BusinessPlan.objects.filter(tenant_id=partner.tenant_id, partner=partner, year=year)
        .prefetch_related("goals", Prefetch("milestones", queryset=milestones))
        .first()
    )


def plan_years(*, partner: Partner) -> list[int]:
    return list(
        BusinessPlan.objects.filter(tenant_id=partner.tenant_id, partner=partner)
        .order_by("year")
        .values_list("year", flat=True)
    )


def goals_of(*, partner: Partner) -> QuerySet[PlanGoal]:
    """The goals of the partner's plans (a portal user's URLs resolve through this)."""
    return PlanGoal.objects.filter(
        tenant_id=partner.tenant_id, plan__partner=partner
    ).select_related("plan")


def milestones_of(*, partner: Partner) -> QuerySet[PlanMilestone]:
    return PlanMilestone.objects.filter(
        tenant_id=partner.tenant_id, plan__partner=partner
    ).select_related("plan", "owner__user")


def owner_choices(*, partner: Partner, plan: BusinessPlan | None = None) -> QuerySet[Membership]:
    """Who may own a milestone of the partner's plan: the company's active users and its
    assigned CAMs, never another company's users; plus whoever owns one of `plan`'s milestones
    already (a deactivated owner stays valid until the milestone is handed over)."""
    allowed = Q(partner=partner, is_active=True) | Q(
        pk__in=assigned_cams(partner=partner).values("pk")
    )
    if plan is not None and plan.pk is not None:
        allowed |= Q(pk__in=PlanMilestone.objects.filter(plan=plan).values("owner_id"))
    return (
        Membership.objects.filter(tenant_id=partner.tenant_id)
        .filter(allowed)
        .select_related("user")
        .order_by("role", "user__email")
    )


def owner_label(membership: Membership) -> str:
    name = membership.user.get_full_name() or membership.user.email
    return f"{name} · {membership.get_role_display()}"


def milestone_status(milestone: PlanMilestone, today: date) -> str:
    """One of "done", "overdue" and "open"."""
    if milestone.done_on is not None:
        return "done"
    return "overdue" if milestone.is_overdue(today) else "open"


@dataclass(frozen=True)
class GoalProgress:
    """A goal with its metric's actual value over the plan's year (so far, while it runs)."""

    goal: PlanGoal
    label: str
    #: None when the metric is no longer registered (its app was removed)
    actual: Decimal | None
    #: the metric's unit ("count", "money", ...) and the tenant's currency, to show the values
    unit: str = "count"
    currency: str = ""

    @property
    def target(self) -> Decimal:
        return self.goal.target

    @property
    def actual_text(self) -> str:
        return registry.format_value(self.actual, self.unit, currency=self.currency)

    @property
    def target_text(self) -> str:
        return registry.format_value(self.target, self.unit, currency=self.currency)

    @property
    def percent(self) -> int:
        if self.actual is None or self.target <= 0:
            return 0
        return max(0, min(100, int(self.actual * 100 / self.target)))

    @property
    def reached(self) -> bool:
        return self.actual is not None and self.actual >= self.target


def plan_period(year: int, today: date) -> Period:
    """The plan's calendar year, up to today while it runs: actuals so far, not forecasts."""
    whole = year_of(date(year, 1, 1))
    return Period(whole.start, max(whole.start, min(whole.end, today)))


def goal_progress(
    plans: list[BusinessPlan], *, tenant: Tenant, today: date | None = None
) -> dict[int, list[GoalProgress]]:
    """Plan id -> its goals' progress. One query per metric and year, however many plans
    (their goals must be prefetched)."""
    today = today or timezone.localdate()
    partners_by: dict[tuple[str, int], set[int]] = defaultdict(set)
    for plan in plans:
        for goal in plan.goals.all():
            partners_by[(goal.metric, plan.year)].add(plan.partner_id)
    values: dict[tuple[str, int], dict[int, Decimal]] = {}
    for (name, year), partner_ids in sorted(partners_by.items()):
        metric = metric_or_none(name)
        if metric is not None:
            values[(name, year)] = metric.for_partners(
                tenant, plan_period(year, today), sorted(partner_ids)
            )
    result = {}
    for plan in plans:
        result[plan.pk] = [
            GoalProgress(
                goal=goal,
                label=goal_label(goal.metric),
                actual=values.get((goal.metric, plan.year), {}).get(plan.partner_id),
                unit=_unit(goal.metric),
                currency=tenant.default_currency,
            )
            for goal in plan.goals.all()
        ]
    return result


def _unit(metric_name: str) -> str:
    metric = metric_or_none(metric_name)
    return metric.unit if metric is not None else "count"


def metric_or_none(name: str) -> registry.Metric | None:
    try:
        return registry.get(name)
    except ValueError:
        return None


def goal_metric_choices() -> list[tuple[str, str]]:
    """The metrics a goal may name, labelled as goals are shown ("Active users")."""
    return [(name, goal_label(name)) for name, _label in registry.choices()]


def goal_label(metric_name: str) -> str:
    metric = metric_or_none(metric_name)
    return str(metric.label).capitalize() if metric is not None else metric_name
