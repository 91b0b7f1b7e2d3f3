"""Beat jobs: expire registrations, warn before expiry, escalate overdue decisions."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from prm.notifications.events import emit
from prm.notifications.log import log_action
from prm.sla import add_business_hours
from prm.tenancy.models import Tenant

from .. import events
from ..events import event_data, tenant_day
from ..models import Deal
from ..selectors import deal_settings_for
from ..workflow import DEALS


def deals_expire(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Expire approved registrations whose protection ended (each once); return how many."""
    now = now or timezone.now()
    done = 0
    due = Deal.objects.filter(tenant=tenant, status=Deal.Status.APPROVED, expires_at__lte=now)
    for deal in due.only("pk", "tenant"):
        with transaction.atomic():
            # Left alone when decided, extended or being changed meanwhile.
            row = DEALS.lock_for_sweep(deal, "expire", due=lambda d: _ended(d, now))
            if row is None:
                continue
            DEALS.transition(
                row, "expire", actor=None, changes={"holds_claim": False}, event=events.DEAL_EXPIRED
            )
            done += 1
    return done


def _ended(deal: Deal, now: datetime) -> bool:
    return deal.expires_at is not None and deal.expires_at <= now


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
                data=event_data(deal, until=tenant_day(deal.tenant, deal.expires_at), days=left),
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
                log_action(
                    event=events.DEAL_SLA_OVERDUE if step == 1 else events.DEAL_SLA_ESCALATED,
                    action="deals.deal.escalated",
                    tenant=tenant,
                    actor=None,
                    obj=deal,
                    after={"level": step},
                    data=event_data(deal, due=tenant_day(deal.tenant, deal.sla_due_at), level=step),
                )
            deal.escalation_level = level
            fired += 1
    return fired
