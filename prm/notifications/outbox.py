"""Writing emails to the outbox, and delivering one outbox row."""

from typing import TYPE_CHECKING, Any

from django.core import signing

from prm.notifications.mail import render_tenant_mail
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Tenant
from prm.tenancy.urls_for import tenant_url

from . import categories
from .models import EmailOutbox, Notification
from .tasks import outbox_send_task

if TYPE_CHECKING:  # the user model lives in prm.accounts, above this package
    from prm.accounts.models import User

UNSUBSCRIBE_SALT = "prm.notifications.unsubscribe"


def email_enqueue(
    *,
    tenant: Tenant,
    to_email: str,
    template: str,
    context: dict[str, Any],
    recipient: "User | None" = None,
    category: str = "",
    held: bool = False,
    headers: dict[str, str] | None = None,
) -> EmailOutbox:
    """Render an email now and write it to the outbox, in the caller's transaction.

    A held row waits for the recipient's daily digest; any other is handed to Celery after
    commit (and picked up by the sweep if the broker cannot be reached then).
    """
    mail = render_tenant_mail(tenant=tenant, template=template, context=context)
    row = EmailOutbox.objects.create(
        tenant=tenant,
        recipient=recipient,
        to_email=to_email,
        category=category,
        subject=mail.subject[:250],
        body_text=mail.text,
        body_html=mail.html,
        headers=headers or {},
        status=EmailOutbox.Status.HELD if held else EmailOutbox.Status.PENDING,
    )
    if not held:
        enqueue_on_commit(outbox_send_task, tenant_id=tenant.pk, outbox_id=row.pk)
    return row


def unsubscribe_token(*, tenant: Tenant, user: "User", category: str) -> str:
    return signing.dumps({"t": tenant.pk, "u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, tenant: Tenant, user: "User", category: str) -> str:
    token = unsubscribe_token(tenant=tenant, user=user, category=category)
    return tenant_url(tenant, f"/notifications/unsubscribe/{token}/")


def notification_email_enqueue(
    *, notification: Notification, user: "User", held: bool
) -> EmailOutbox:
    """The email copy of a notification, with a link to its subject and an unsubscribe link."""
    tenant = notification.tenant
    unsubscribe = unsubscribe_url(tenant=tenant, user=user, category=notification.category)
    return email_enqueue(
        tenant=tenant,
        to_email=user.email,
        recipient=user,
        category=notification.category,
        held=held,
        template="notifications/email/notification",
        context={
            "notification": notification,
            "link_url": tenant_url(tenant, notification.link) if notification.link else "",
            "unsubscribe_url": unsubscribe,
            "category_label": categories.label(notification.category),
        },
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
