"""The invitation reminder: not accepted N days after it was sent (N is a tenant setting)."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from prm.notifications.reminders import Reminder, register_reminder
from prm.tenancy.models import Tenant

from .models import Invitation
from .services import invitation_remind


def _due(tenant: Tenant, cutoff: datetime) -> QuerySet[Invitation]:
    return (
        Invitation.objects.pending()
        .filter(tenant=tenant, created_at__lte=cutoff, expires_at__gt=timezone.now())
        .select_related("tenant", "partner", "invited_by")
    )


def _fire(invitation: Invitation, step: int) -> None:
    invitation_remind(invitation=invitation)


register_reminder(
    Reminder(
        key="accounts.invitation.unaccepted",
        description="An invitation not accepted N days after it was sent.",
        after_days=lambda tenant: [tenant.invitation_reminder_days],
        due=_due,
        fire=_fire,
    )
)
