"""Delivering the outbox, daily digests and reminders. Thin: the logic is in services."""

import logging
import smtplib
from datetime import timedelta
from zoneinfo import ZoneInfo

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from prm.tenancy.branding import email_from, email_reply_to
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask

from .models import EmailOutbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... (from OUTBOX_RETRY_BASE_SECONDS), capped at an hour."""
    return timedelta(seconds=min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 3600))


def is_transient(exc: Exception) -> bool:
    """Worth trying again later: the server asked us to (4xx) or could not be reached."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError | OSError
    )


def deliver(row: EmailOutbox) -> None:
    """Send one outbox row through Django's email backend and mark it sent (caller saves)."""
    tenant = row.tenant
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=email_from(tenant),
        to=[row.to_email],
        reply_to=email_reply_to(tenant),
        headers={**row.headers, "X-PRM-Outbox-Id": str(row.pk)},
    )
    message.attach_alternative(row.body_html, "text/html")
    message.send()
    row.status = EmailOutbox.Status.SENT
    row.sent_at = timezone.now()


@shared_task(base=TenantTask, bind=True, max_retries=None, acks_late=True)
def outbox_send_task(self: Task, *, tenant_id: int, outbox_id: int) -> None:
    """Send one outbox row, once.

    The row is locked for the whole send: a second delivery of this task (a redelivery, the
    sweep) skips a row being sent and finds a sent one SENT. A transient failure records the
    attempt and is retried with backoff; a permanent one marks the row FAILED.
    """
    retry_in = None
    with transaction.atomic():
        row = (
            EmailOutbox.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("tenant")
            .filter(pk=outbox_id, status=EmailOutbox.Status.PENDING)
            .first()
        )
        if row is None:
            return
        row.attempts += 1
        try:
            deliver(row)
            row.last_error = ""
        except Exception as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if is_transient(exc) and row.attempts < MAX_ATTEMPTS:
                retry_in = backoff(row.attempts)
                row.next_attempt_at = timezone.now() + retry_in
                logger.warning("Outbox %s: transient failure, retry in %s", row.pk, retry_in)
            else:
                row.status = EmailOutbox.Status.FAILED
                logger.error("Outbox %s failed for good: %s", row.pk, row.last_error)
        row.save()
    # Eager runs (tests) leave the retry to the sweep rather than recursing at once.
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in.total_seconds())


@shared_task(base=TenantTask)
def outbox_sweep_task(*, tenant_id: int) -> int:
    """Enqueue every pending row whose time has come (never enqueued, or due for a retry)."""
    due = EmailOutbox.objects.filter(
        tenant_id=tenant_id,
        status=EmailOutbox.Status.PENDING,
        next_attempt_at__lte=timezone.now(),
    ).values_list("pk", flat=True)[:1000]
    for outbox_id in due:
        outbox_send_task.delay(tenant_id=tenant_id, outbox_id=outbox_id)
    return len(due)


@shared_task
def outbox_sweep_all_task() -> None:
    """Beat, every minute: fan the sweep out per tenant, each inside its own scope."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        outbox_sweep_task.delay(tenant_id=tenant_id)


@shared_task(base=TenantTask)
def digest_send_task(*, tenant_id: int, day: str) -> int:
    from datetime import date

    from .services import digests_send

    return digests_send(tenant=Tenant.objects.get(pk=tenant_id), day=date.fromisoformat(day))


@shared_task
def digests_due_all_task() -> None:
    """Beat, hourly: start the digest of each tenant whose local time is its digest hour."""
    now = timezone.now()
    for tenant in Tenant.objects.filter(is_active=True):
        local = now.astimezone(ZoneInfo(tenant.time_zone))
        if local.hour == tenant.digest_hour:
            digest_send_task.delay(tenant_id=tenant.pk, day=local.date().isoformat())


@shared_task(base=TenantTask)
def reminders_run_task(*, tenant_id: int) -> int:
    from .reminders import run_reminders

    return run_reminders(Tenant.objects.get(pk=tenant_id))


@shared_task
def reminders_run_all_task() -> None:
    """Beat, hourly: run every reminder for every tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        reminders_run_task.delay(tenant_id=tenant_id)
