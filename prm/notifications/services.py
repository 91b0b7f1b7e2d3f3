"""Changing notification state: reading, preferences, tenant rule settings, digests."""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.tenancy.models import Membership, Tenant

from . import categories, outbox, rules
from .models import (
    Delivery,
    DigestLog,
    EmailOutbox,
    Notification,
    NotificationPreference,
    RuleSetting,
)

if TYPE_CHECKING:  # the user model lives in prm.accounts, above this package
    from prm.accounts.models import User


def notification_open(*, membership: Membership, notification: Notification) -> str:
    """Mark one of the member's notifications read; return where it leads."""
    if (
        notification.recipient_id != membership.user_id
        or notification.tenant_id != membership.tenant_id
    ):
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return notification.link


def notifications_read_for(
    *, user: "User | None", subject: Model, events: Iterable[str] | None = None
) -> int:
    """Mark read the user's unread notifications about `subject` (in its tenant); return how many.

    For services that complete what a notification asked of its recipient (a CAM decides the
    registration they were asked to decide, a partner answers the lead they were sent): the
    bell then stops counting what is done. `events` narrows it to notifications of those
    events (a thread read marks its comments read, not the decision still to take). Call it in
    the service's transaction; `None` (the system acted) marks nothing.
    """
    if user is None or subject.pk is None:
        return 0
    unread = Notification.objects.filter(
        tenant_id=subject.tenant_id,  # type: ignore[attr-defined]
        recipient_id=user.pk,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        read_at__isnull=True,
    )
    if events is not None:
        unread = unread.filter(event__in=list(events))
    return unread.update(read_at=timezone.now())


def notifications_mark_all_read(*, membership: Membership) -> int:
    """Mark every unread notification of the member in this tenant read; return how many."""
    return Notification.objects.filter(
        tenant_id=membership.tenant_id, recipient_id=membership.user_id, read_at__isnull=True
    ).update(read_at=timezone.now())


def preference_set(*, membership: Membership, category: str, delivery: str) -> None:
    """Choose how a category reaches the member: at once, in the daily digest, or portal only."""
    if category not in categories.categories():
        raise ValidationError({"category": _("Unknown category.")})
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": _("Choose one of the offered options.")})
    NotificationPreference.objects.update_or_create(
        tenant_id=membership.tenant_id,
        user_id=membership.user_id,
        category=category,
        defaults={"delivery": delivery},
    )


def unsubscribe(*, tenant: Tenant, token: str) -> tuple["User", str]:
    """Apply an email's unsubscribe link: that category becomes portal-only for that member.

    Raises `ValidationError` for a link that is forged, or meant for another tenant.
    """
    try:
        data = signing.loads(token, salt=outbox.UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError(_("This unsubscribe link is not valid.")) from exc
    if (
        not isinstance(data, dict)
        or data.get("t") != tenant.pk
        or not isinstance(data.get("u"), int)
    ):
        raise ValidationError(_("This unsubscribe link is not valid."))
    membership = (
        Membership.objects.filter(tenant=tenant, user_id=data["u"]).select_related("user").first()
    )
    if membership is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    preference_set(membership=membership, category=str(data.get("c")), delivery=Delivery.PORTAL)
    return membership.user, str(data.get("c"))


def rule_settings_ensure(*, tenant: Tenant) -> None:
    """Give the tenant a settings row for every rule, so the admin UI can list them all."""
    RuleSetting.objects.bulk_create(
        [RuleSetting(tenant=tenant, rule=r.key) for r in rules.all_rules()],
        ignore_conflicts=True,
    )


def rule_setting_update(
    *,
    actor: Any,
    setting: RuleSetting,
    enabled: bool,
    title: str,
    body: str,
    ip: str | None = None,
) -> RuleSetting:
    """Switch a rule on or off and set its texts (blank = the default). Placeholders are checked."""
    rule = rules.rule(setting.rule)
    errors = {}
    for field, text in (("title", title), ("body", body)):
        try:
            rules.validate_text(text, rule.placeholders)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        setting = RuleSetting.objects.select_for_update().get(pk=setting.pk)
        before = {"enabled": setting.enabled, "title": setting.title, "body": setting.body}
        setting.enabled, setting.title, setting.body = enabled, title.strip(), body.strip()
        setting.save()
        after = {"enabled": setting.enabled, "title": setting.title, "body": setting.body}
        audit_record(
            tenant=setting.tenant,
            actor=actor,
            action="notifications.rule.changed",
            obj=setting,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            ip=ip,
        )
    return setting


def digests_send(*, tenant: Tenant, day: date) -> int:
    """Send each member whose emails were held for the digest one email with all of them.

    At most one digest per member per tenant per day (`DigestLog`); the held rows become
    DIGESTED in the same transaction. Returns how many digests were written.
    """
    user_ids = set(
        EmailOutbox.objects.filter(tenant=tenant, status=EmailOutbox.Status.HELD)
        .exclude(recipient=None)
        .values_list("recipient_id", flat=True)
    )
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids):
        try:
            with transaction.atomic():
                DigestLog.objects.create(tenant=tenant, user=user, day=day)
                held = list(
                    EmailOutbox.objects.select_for_update()
                    .filter(tenant=tenant, recipient=user, status=EmailOutbox.Status.HELD)
                    .order_by("created_at")
                )
                if not held:
                    transaction.set_rollback(True)
                    continue
                with translation.override(tenant.language):
                    outbox.email_enqueue(
                        tenant=tenant,
                        to_email=user.email,
                        recipient=user,
                        template="notifications/email/digest",
                        context={"items": held, "day": day, "user": user},
                    )
                EmailOutbox.objects.filter(pk__in=[r.pk for r in held]).update(
                    status=EmailOutbox.Status.DIGESTED
                )
                sent += 1
        except IntegrityError:
            continue  # today's digest for this member went out already
    return sent
