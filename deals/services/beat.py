"""Beat jobs: expire registrations, warn before expiry, escalate overdue decisions."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from prm.audit.services import audit_record
from prm.notifications.events import emit
from prm.tenancy.models import Tenant

from .. import events
from ..models import Deal
from ..selectors import deal_settings_for
from ..sla import add_business_hours
from .guards import (
    date_text,
    event_data,
    record,
)


def deals_expire(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Expire approved registrations whose protection ended (each once); return how many."""
    now = now or timezone.now()
    done = 0
    due = Deal.objects.filter(tenant=tenant, status=Deal.Status.APPROVED, expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            deal = (
                Deal.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, tenant=tenant)
                .first()
            )
            if deal is None or deal.status != Deal.Status.APPROVED:
                continue
            if deal.expires_at is None or deal.expires_at > now:
                continue  # decided, extended or being changed meanwhile
            deal.status = Deal.Status.EXPIRED
            deal.holds_claim = False
            deal.save(update_fields=["status", "holds_claim"])
            record(deal, None, "expired", Deal.Status.APPROVED)
            emit(events.DEAL_EXPIRED.name, tenant=tenant, subject=deal, data=event_data(deal))
            done += 1
    return done


def deals_warn_expiring(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Tell partners once that an approved registration's protection ends within the tenant's
    warning period (again after an extension); return how many were told."""
    now = now or timezone.now()
    days = deal_settings_for(tenant).expiry_warning_days
    due = Deal.objects.filter(
        tenant=tenant,
        status=Deal.Status.APPROVED,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=days),
        expiry_warned_at__isnull=True,
    ).select_related("partner")
    told = 0
    for deal in due:
        with transaction.atomic():
            # The conditional update is the once-only guard, whatever runs at the same time.
            if not Deal.objects.filter(pk=deal.pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=now
            ):
                continue
            left = max(1, (deal.expires_at - now).days) if deal.expires_at else 0
            emit(
                events.DEAL_EXPIRING.name,
                tenant=tenant,
                subject=deal,
                data=event_data(deal, until=date_text(deal.expires_at), days=left),
            )
            told += 1
    return told


def deals_escalate(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Escalate submitted registrations past their decision target: first the partner's CAMs,
    then, `escalation_hours` business hours later, the program leaders. Each level fires once."""
    now = now or timezone.now()
    settings = deal_settings_for(tenant)
    overdue = Deal.objects.filter(
        tenant=tenant, status=Deal.Status.SUBMITTED, sla_due_at__lte=now, escalation_level__lt=2
    ).select_related("partner")
    fired = 0
    for deal in overdue:
        assert deal.sla_due_at is not None
        level = 1
        if add_business_hours(deal.sla_due_at, settings.escalation_hours, tenant.time_zone) <= now:
            level = 2
        if level <= deal.escalation_level:
            continue
        with transaction.atomic():
            updated = Deal.objects.filter(
                pk=deal.pk, status=Deal.Status.SUBMITTED, escalation_level=deal.escalation_level
            ).update(escalation_level=level)
            if not updated:
                continue  # another sweep escalated it, or it was decided meanwhile
            # A deal found two levels late tells both: its CAMs, then the program leaders.
            for step in range(deal.escalation_level + 1, level + 1):
                audit_record(
                    tenant=tenant, actor=None, action="deals.deal.escalated", obj=deal,
                    after={"level": step},
                )  # fmt: skip
                emit(
                    (events.DEAL_SLA_OVERDUE if step == 1 else events.DEAL_SLA_ESCALATED).name,
                    tenant=tenant,
                    subject=deal,
                    data=event_data(deal, due=date_text(deal.sla_due_at), level=step),
                )
            deal.escalation_level = level
            fired += 1
    return fired
