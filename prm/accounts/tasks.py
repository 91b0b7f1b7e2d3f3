"""Delivering invitation emails. The rows are the truth; these tasks only carry them out."""

import smtplib
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from prm.portal.mail import send_tenant_mail
from prm.tenancy.models import Tenant
from prm.tenancy.tasks import TenantTask
from prm.tenancy.urls_for import tenant_url

from .models import Invitation
from .tokens import invitation_token

#: An invitation not sent this long after it was made is picked up by the sweep.
SWEEP_AFTER = timedelta(minutes=2)


@shared_task(
    base=TenantTask,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def invitation_send_task(*, tenant_id: int, invitation_id: int) -> None:
    """Email the invitation link unless it was sent already or is no longer pending."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("tenant", "partner", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at or invitation.status != "pending":
            return
        tenant = invitation.tenant
        send_tenant_mail(
            tenant=tenant,
            to=invitation.email,
            template="accounts/email/invitation",
            context={
                "invitation": invitation,
                "accept_url": tenant_url(tenant, f"/invitations/{invitation_token(invitation)}/"),
            },
        )
        # Marked inside the lock: a second delivery of this task finds it sent and stops.
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])


@shared_task(base=TenantTask)
def invitation_sweep_task(*, tenant_id: int) -> None:
    """Send the tenant's pending invitations that were never sent (e.g. the broker was down)."""
    stale = Invitation.objects.pending().filter(
        sent_at__isnull=True,
        created_at__lt=timezone.now() - SWEEP_AFTER,
        expires_at__gt=timezone.now(),
    )
    for invitation_id in stale.values_list("pk", flat=True):
        invitation_send_task.delay(tenant_id=tenant_id, invitation_id=invitation_id)


@shared_task
def invitations_sweep_all_task() -> None:
    """Beat entry point: fan the sweep out per tenant so each runs inside its own scope."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        invitation_sweep_task.delay(tenant_id=tenant_id)
