"""The business plan section of the portal's "My program" page: this year's plan at a glance."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from prm.tenancy.models import Membership

from ..models import Partner
from ..sections import Section
from .selectors import goal_progress, may_edit, milestone_status, plan_of

#: milestones shown on the page; the plan page lists them all
SHOWN_MILESTONES = 5


def plan_section(partner: Partner, membership: Membership) -> Section | None:
    today = timezone.localdate()
    plan = plan_of(partner=partner, year=today.year)
    context: dict[str, Any] = {
        "year": today.year,
        "plan": plan,
        "may_edit": may_edit(membership, partner),
    }
    if plan is not None:
        milestones = list(plan.milestones.all())
        # What needs attention first: open milestones by due date, then the done ones.
        milestones.sort(key=lambda m: (m.done_on is not None, m.due_on))
        context.update(
            goals=goal_progress([plan], tenant=partner.tenant, today=today)[plan.pk],
            milestones=[(m, milestone_status(m, today)) for m in milestones[:SHOWN_MILESTONES]],
            more=max(0, len(milestones) - SHOWN_MILESTONES),
            done=sum(1 for m in milestones if m.done_on is not None),
            overdue=sum(1 for m in milestones if m.is_overdue(today)),
            total=len(milestones),
        )
    return Section(
        key="plan",
        title=_("Business plan %(year)s") % {"year": today.year},
        icon="clipboard-data",
        template="partners/sections/plan.html",
        context=context,
    )
