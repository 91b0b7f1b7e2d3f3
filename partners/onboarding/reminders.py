"""The stalled-step reminder: no onboarding step completed for the plan's number of days."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from prm.notifications.events import emit
from prm.notifications.reminders import Reminder, register_reminder
from prm.tenancy.models import Tenant

from .. import events
from ..models import Partner, PartnerOnboarding
from .progress import days_phrase, stalled_q, with_progress
from .services import onboarding_sync


def _stalled(tenant: Tenant, cutoff: datetime) -> QuerySet[PartnerOnboarding]:
    onboarding_sync(tenant=tenant)
    return (
        with_progress(
            PartnerOnboarding.objects.filter(
                tenant=tenant,
                partner__status__in=[Partner.Status.ONBOARDING, Partner.Status.ACTIVE],
            )
        )
        .filter(stalled_q(cutoff))
        .select_related("tenant", "partner", "plan")
    )


def _tell_stalled(onboarding: PartnerOnboarding, step: int) -> None:
    annotated: Any = onboarding  # with_progress's annotations
    with translation.override(onboarding.tenant.language):
        days = days_phrase((timezone.now() - annotated.last_activity).days)
    emit(
        events.ONBOARDING_STALLED.name,
        tenant=onboarding.tenant,
        subject=onboarding,
        data={
            "partner": onboarding.partner.name,
            "partner_id": onboarding.partner_id,
            "step": annotated.next_step_title,
            "days": days,
        },
    )


register_reminder(
    Reminder(
        key="partners.onboarding.stalled",
        description="An onboarding step open with no progress for the plan's number of days.",
        # The plan says how many days: `stalls_at` holds them, so the cut-off is now.
        after_days=lambda tenant: [0],
        due=_stalled,
        fire=_tell_stalled,
        # Once per stalled step: a partner stalled at step 2 is reminded again at step 4.
        subject_key=lambda onboarding: f"{onboarding.pk}:{onboarding.next_step_id}",
    )
)
