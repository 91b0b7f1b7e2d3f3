"""Demo notifications, so that the notification center is not empty on first sign-in."""

from datetime import timedelta

from django.utils import timezone

from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role, role_phrase

from . import rules
from .models import Notification


def seed_notifications(tenant: Tenant) -> None:
    """For each demo member without notifications: up to three (the newest unread), from a real
    rule, about colleagues who joined."""
    members = Membership.objects.filter(tenant=tenant, is_active=True).select_related(
        "user", "partner"
    )
    have = set(
        Notification.objects.filter(tenant=tenant).values_list("recipient_id", flat=True).distinct()
    )
    leaders = [m for m in members if m.role == Role.PROGRAM_LEADER]
    now = timezone.now()
    made = []
    for m in members:
        if m.user_id in have:
            continue
        colleagues = [c for c in members if c.partner_id == m.partner_id and c.pk != m.pk]
        peers = colleagues or leaders or [m]
        for age, peer in enumerate(peers[:3]):
            read = age < min(len(peers), 3) - 1
            rule = rules.rule("accounts.invitation.accepted.tell_inviter")
            values = {
                "invitee": peer.user.get_full_name() or peer.user.email,
                "role": role_phrase(peer.role, peer.partner),
                "portal": tenant.portal_title,
                "vendor": tenant.name,
                "actor": "",
            }
            created = now - timedelta(days=3 - age, hours=age)
            made.append(
                Notification(
                    tenant=tenant,
                    recipient=m.user,
                    event=rule.event,
                    rule=rule.key,
                    category=rule.category,
                    title=rules.render(str(rule.title), values),
                    body=rules.render(str(rule.body), values),
                    link="/admin/tenancy/membership/" if m.is_vendor_staff else "/",
                    created_at=created,
                    read_at=created + timedelta(hours=1) if read else None,
                )
            )
    Notification.objects.bulk_create(made)
