"""The certification expiry reminder: 30 and 7 days before an award expires, each step once
(`prm.notifications.reminders`: the log remembers every award and step that fired)."""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import ngettext

from prm.notifications.events import emit
from prm.notifications.reminders import Reminder, register_reminder
from prm.tenancy.models import Tenant

from ..models import Certification, CertificationAward
from . import events

#: days before expiry, one step each (the reminder's "after" days are negative: before)
DAYS_BEFORE = (30, 7)


def _expiring(tenant: Tenant, cutoff: datetime) -> QuerySet[CertificationAward]:
    """Valid awards expiring before `cutoff` (now + the step's days). The 30-day step leaves
    out awards already within 7 days, so a late sweep sends the nearer reminder only."""
    now = timezone.now()
    ahead = cutoff - now
    awards = CertificationAward.objects.filter(
        tenant=tenant,
        revoked_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=cutoff,
        certification__status=Certification.Status.ACTIVE,
    )
    nearer = [d for d in DAYS_BEFORE if timedelta(days=d) < ahead - timedelta(hours=12)]
    if nearer:
        awards = awards.filter(expires_at__gt=now + timedelta(days=max(nearer)))
    return awards.select_related("tenant", "certification", "membership__user", "partner")


def _tell_expiring(award: CertificationAward, step: int) -> None:
    with translation.override(award.tenant.language):
        left = max(1, (award.expires_at - timezone.now()).days + 1) if award.expires_at else 0
        days = ngettext("%(n)d day", "%(n)d days", left) % {"n": left}
    emit(
        events.CERTIFICATION_EXPIRING.name,
        tenant=award.tenant,
        subject=award,
        data=events.award_data(award) | {"days": days},
    )


register_reminder(
    Reminder(
        key="training.certification.expiring",
        description="A valid certification expires in 30 days, then in 7 days.",
        after_days=lambda tenant: [-d for d in DAYS_BEFORE],
        due=_expiring,
        fire=_tell_expiring,
    )
)
