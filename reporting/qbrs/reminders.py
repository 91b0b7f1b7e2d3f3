"""Reminders of QBR action items: a few days before the due day, and once it has passed.

Each step fires once per item (`prm.notifications.reminders` keeps the log); an item done or
dropped in time stops being due.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from prm.notifications.events import emit
from prm.notifications.reminders import Reminder
from prm.tenancy.models import Tenant

from ..models import QbrActionItem
from . import events

#: the owner is reminded this many days before the due day
DUE_SOON_DAYS = 3


def _open(tenant: Tenant) -> QuerySet[QbrActionItem]:
    return QbrActionItem.objects.filter(
        tenant=tenant, status=QbrActionItem.Status.OPEN
    ).select_related("qbr__partner", "qbr__tenant", "owner__user")


def _due_soon(tenant: Tenant, cutoff: datetime) -> QuerySet[QbrActionItem]:
    # Sweeps run in the tenant's time zone (TenantTask): "today" is the program's today.
    today = timezone.localtime(cutoff).date()
    return _open(tenant).filter(due_on__gte=today, due_on__lte=today + timedelta(DUE_SOON_DAYS))


def _overdue(tenant: Tenant, cutoff: datetime) -> QuerySet[QbrActionItem]:
    return _open(tenant).filter(due_on__lt=timezone.localtime(cutoff).date())


def _announce(event_name: str) -> Callable[[QbrActionItem, int], None]:
    def fire(item: QbrActionItem, step: int) -> None:
        tenant = item.qbr.tenant
        with transaction.atomic(), translation.override(tenant.language):
            emit(event_name, tenant=tenant, subject=item, data=events.action_data(item))

    return fire


#: registered in ReportingConfig.ready()
due_soon_actions = Reminder(
    key="reporting.qbr_action.due_soon",
    description="A QBR action item due within a few days and not done.",
    after_days=lambda tenant: [0],
    due=_due_soon,
    fire=_announce(events.ACTION_DUE_SOON.name),
)
overdue_actions = Reminder(
    key="reporting.qbr_action.overdue",
    description="A QBR action item not done after its due day.",
    after_days=lambda tenant: [0],
    due=_overdue,
    fire=_announce(events.ACTION_OVERDUE.name),
)
