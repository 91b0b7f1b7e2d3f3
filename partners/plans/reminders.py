"""The overdue-milestone reminder: a business plan milestone not done after its due date.

Each milestone is reported once (the reminder log remembers it); one done in time never is.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from prm.notifications.reminders import Reminder
from prm.tenancy.models import Tenant

from ..models import PlanMilestone
from .services import milestone_overdue_notify


def _due(tenant: Tenant, cutoff: datetime) -> QuerySet[PlanMilestone]:
    # Sweeps run in the tenant's time zone (TenantTask): "today" is the program's today.
    today = timezone.localtime(cutoff).date()
    return PlanMilestone.objects.filter(
        tenant=tenant, done_on__isnull=True, due_on__lt=today
    ).select_related("plan__partner", "plan__tenant", "owner__user")


def _fire(milestone: PlanMilestone, step: int) -> None:
    milestone_overdue_notify(milestone=milestone)


#: registered in PartnersConfig.ready(); "0 days after the due date" = as soon as it has passed
overdue_milestones = Reminder(
    key="partners.plan.milestone_overdue",
    description="A business plan milestone not done after its due date.",
    after_days=lambda tenant: [0],
    due=_due,
    fire=_fire,
)
