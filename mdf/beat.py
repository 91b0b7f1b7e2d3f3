"""Beat jobs of MDF: escalate overdue decisions, remind partners to claim, announce request
windows, warn when an allocation runs low.

Each job fires once per row and level: a conditional UPDATE of the row's marker
(`escalation_level`, `claim_reminders`, `window_announced_at`, `low_warned_at`) is the guard, so
two workers sweeping at once never tell twice, and a job run again changes nothing. Tenants'
days are their own (a window opens on the tenant's date, not the server's).
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from deals.events import tenant_day
from prm.audit.services import audit_record
from prm.notifications.events import emit
from prm.notifications.log import log_action
from prm.sla import add_business_hours
from prm.tenancy.models import Tenant

from . import events
from .events import tenant_today
from .models import Allocation, Claim, Fund, MdfRequest
from .setup import mdf_settings

#: the claim reminders: 1 "due in 14 days", 2 "due in 3 days", 3 "overdue" (the day after)
REMIND_DAYS = {1: 14, 2: 3}
OVERDUE = 3


def requests_escalate(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Escalate submitted requests past their decision target: first the partner's CAMs
    (`mdf.request.sla_overdue`), then, `escalation_hours` business hours later, the program
    leaders (`mdf.request.sla_escalated`). Each level fires once; returns how many moved up."""
    now = now or timezone.now()
    settings = mdf_settings(tenant)
    overdue = MdfRequest.objects.filter(
        tenant=tenant,
        status=MdfRequest.Status.SUBMITTED,
        sla_due_at__lte=now,
        escalation_level__lt=2,
    ).select_related("partner", "fund", "tenant")
    fired = 0
    for request in overdue:
        assert request.sla_due_at is not None
        leaders_due = add_business_hours(
            request.sla_due_at, settings.escalation_hours, tenant.time_zone
        )
        level = 2 if leaders_due <= now else 1
        if level <= request.escalation_level:
            continue
        with transaction.atomic():
            updated = MdfRequest.objects.filter(
                pk=request.pk,
                status=MdfRequest.Status.SUBMITTED,
                escalation_level=request.escalation_level,
            ).update(escalation_level=level)
            if not updated:
                continue  # another sweep escalated it, or it was decided meanwhile
            due = tenant_day(tenant, request.sla_due_at)
            # Found two levels late, it tells both: the CAMs, then the program leaders.
            for step in range(request.escalation_level + 1, level + 1):
                log_action(
                    event=events.REQUEST_SLA_OVERDUE if step == 1 else events.REQUEST_SLA_ESCALATED,
                    action="mdf.request.escalated",
                    tenant=tenant,
                    actor=None,
                    obj=request,
                    after={"level": step},
                    data=events.request_event_data(request, due=due, level=step),
                )
            request.escalation_level = level
            fired += 1
    return fired


def claim_reminder_level(claim_due_on: date, today: date) -> int:
    """Which claim reminder a request whose claim is due on `claim_due_on` is owed today:
    0 none yet, 1 within 14 days, 2 within 3 days, 3 the deadline passed."""
    left = (claim_due_on - today).days
    if left < 0:
        return OVERDUE
    if left <= REMIND_DAYS[2]:
        return 2
    if left <= REMIND_DAYS[1]:
        return 1
    return 0


def claims_remind(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Remind partners to claim approved requests with no claim filed yet: 14 and 3 days before
    the deadline (`mdf.claim.due_soon`) and the day after it passed (`mdf.claim.overdue`).

    Each reminder fires once. When a CAM extends the deadline the reminders follow the new
    date: a request reminded for a level its new deadline no longer owes goes back to that
    level, and is reminded again as the new date nears. A request found late (approved three
    days before its deadline) gets the reminder it is owed now, not the ones it missed.
    Returns how many reminders were sent.
    """
    today = tenant_today(tenant, now)
    unclaimed = Q(claim__isnull=True) | Q(claim__status=Claim.Status.DRAFT)
    candidates = (
        MdfRequest.objects.filter(
            unclaimed,
            tenant=tenant,
            status=MdfRequest.Status.APPROVED,
            claim_due_on__isnull=False,
        )
        # Due within 14 days (or past), or reminded for a deadline since moved later.
        .filter(
            Q(claim_due_on__lte=today + timedelta(days=REMIND_DAYS[1])) | Q(claim_reminders__gt=0)
        )
        .select_related("partner", "fund", "tenant")
        .order_by("pk")
    )
    told = 0
    for request in candidates:
        assert request.claim_due_on is not None
        owed = claim_reminder_level(request.claim_due_on, today)
        if owed == request.claim_reminders:
            continue
        with transaction.atomic():
            # Only if nobody changed the deadline, the status or the level since it was read.
            updated = MdfRequest.objects.filter(
                pk=request.pk,
                status=MdfRequest.Status.APPROVED,
                claim_due_on=request.claim_due_on,
                claim_reminders=request.claim_reminders,
            ).update(claim_reminders=owed)
            if not updated or owed < request.claim_reminders:
                continue  # taken by another sweep, or reset after an extension (nothing to tell)
            due = tenant_day(tenant, request.claim_due_on)
            if owed == OVERDUE:
                event = events.CLAIM_OVERDUE
                data = events.request_event_data(request)
            else:
                event = events.CLAIM_DUE_SOON
                days = (request.claim_due_on - today).days
                data = events.request_event_data(request, days=days)
            log_action(
                event=event,
                action="mdf.claim.reminded",
                tenant=tenant,
                actor=None,
                obj=request,
                after={"claim_due_on": due, "level": owed},
                data=data,
            )
            told += 1
    return told


def windows_announce(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Tell the partners of each fund whose request window opened today (or earlier and is still
    open) that they may ask for funds, once per fund (`mdf.fund.window_opened`; the partner's
    admins, and its reps when reps may request). A fund with nothing allocated yet waits: its
    partners hear of it when they have something to ask for. Returns how many funds opened."""
    now = now or timezone.now()
    today = tenant_today(tenant, now)
    funds = Fund.objects.filter(
        tenant=tenant,
        window_announced_at__isnull=True,
        opens_on__lte=today,
        closes_on__gte=today,
        allocations__allocated__gt=0,
    ).distinct()
    opened = 0
    for fund in funds:
        with transaction.atomic():
            if not Fund.objects.filter(pk=fund.pk, window_announced_at__isnull=True).update(
                window_announced_at=now
            ):
                continue  # another sweep announced it
            allocations = (
                Allocation.objects.filter(tenant=tenant, fund=fund, allocated__gt=0)
                .select_related("partner", "fund")
                .order_by("pk")
            )
            closes = tenant_day(tenant, fund.closes_on)
            told = 0
            for allocation in allocations:
                emit(
                    events.WINDOW_OPENED.name,
                    tenant=tenant,
                    subject=fund,
                    data=events.allocation_event_data(allocation, closes=closes),
                )
                told += 1
            audit_record(
                tenant=tenant,
                actor=None,
                action=events.WINDOW_OPENED.name,
                obj=fund,
                after={"partners": told, "closes": closes},
            )
            opened += 1
    return opened


def _low(percent: int) -> Q:
    """Allocations whose available balance is below `percent` % of what was allocated."""
    return Q(allocated__gt=0, unspent__lt=F("allocated") * percent / 100)


def _with_available(queryset: QuerySet[Allocation]) -> QuerySet[Allocation]:
    return queryset.annotate(
        unspent=ExpressionWrapper(
            F("allocated") - F("committed") - F("claimed") - F("reimbursed"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )


def allocation_warn_if_low(
    allocation: Allocation, *, now: datetime | None = None, percent: int | None = None
) -> bool:
    """Tell the partner's admins once that what they may still ask for from a fund fell below
    the tenant's warning share (`MdfSettings.low_balance_percent`; `mdf.allocation.low`).

    Reads the allocation's balances afresh and marks it warned in one conditional UPDATE, so
    the beat sweep and an approval calling this at once tell once. `allocation_set` clears the
    mark when the allocation is topped up. Returns whether the partner was told."""
    now = now or timezone.now()
    tenant = allocation.tenant
    if percent is None:
        percent = mdf_settings(tenant).low_balance_percent
    with transaction.atomic():
        low = _with_available(
            Allocation.objects.filter(
                pk=allocation.pk, tenant_id=allocation.tenant_id, low_warned_at__isnull=True
            )
        ).filter(_low(percent))
        if not Allocation.objects.filter(pk__in=low.values("pk")).update(low_warned_at=now):
            return False
        row = Allocation.objects.select_related("fund", "partner").get(pk=allocation.pk)
        log_action(
            event=events.ALLOCATION_LOW,
            tenant=tenant,
            actor=None,
            obj=row,
            after={
                "available": events.allocation_event_data(row)["available"],
                "percent": percent,
            },
            data=events.allocation_event_data(row),
        )
    return True


def allocations_warn_low(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Warn the partners of every allocation running low that was not warned yet (of funds whose
    request window has not closed: past it, nothing more can be asked for). Returns how many."""
    now = now or timezone.now()
    percent = mdf_settings(tenant).low_balance_percent
    today = tenant_today(tenant, now)
    low = (
        _with_available(
            Allocation.objects.filter(
                tenant=tenant, low_warned_at__isnull=True, fund__closes_on__gte=today
            )
        )
        .filter(_low(percent))
        .select_related("tenant")
        .order_by("pk")
    )
    return sum(allocation_warn_if_low(a, now=now, percent=percent) for a in low)
