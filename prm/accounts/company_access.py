"""When a partner company's access to a tenant ends, and when it resumes.

A partner company that is deactivated or offboarded (`Partner.access_ended`, the partners app
decides which statuses those are) takes its users' access to that tenant with it: each active
membership of the company is deactivated and marked `suspended_with_partner`, its pending
invitations are revoked. Everything that keys on an active membership then leaves them out,
in this app and in every app to come: signing in, sessions (ended on the next request), the
portal, notification recipients, digests, reminders. Their memberships in other tenants are not
touched. When the company returns, exactly the memberships suspended with it are restored; a
member that staff removed on their own, before or meanwhile, stays removed.

The partners app calls the two services from its lifecycle service (`partner_status_change`).
What happens to the company's registrations is the deals app's business: it subscribes to the
partner's lifecycle event (`deals.services.partner_exit`).

A suspended user is told so, instead of being treated as a stranger: at sign-in, with the
correct password only (`prm.accounts.backends`), and on the next request of a session that was
open (`prm.tenancy.middleware`, through `access_ended_response`).
"""

from django.db import transaction
from django.utils import timezone

from prm.audit.services import audit_record
from prm.tenancy.models import Membership, TenantOwned

from .models import Invitation, User


def partner_access_ended(partner: TenantOwned | None) -> bool:
    """Whether `partner` is a company whose users have no access (deactivated, offboarded).

    Read from the database: the instance may have been loaded before the company moved.
    """
    if partner is None:
        return False
    fresh = type(partner).objects.filter(pk=partner.pk).first()
    return bool(getattr(fresh, "access_ended", False))


def memberships_suspend_with_partner(
    *, partner: TenantOwned, actor: User | None, reason: str, ip: str | None = None
) -> list[Membership]:
    """End the access of `partner`'s users to its tenant; return the memberships suspended.

    Deactivates each active membership of the company (marked `suspended_with_partner`) and
    revokes the company's pending invitations, each audited with `reason`. Idempotent. Call it
    inside the transaction that moves the company out of its access.
    """
    now = timezone.now()
    with transaction.atomic():
        suspended = list(
            Membership.objects.select_for_update()
            .filter(tenant_id=partner.tenant_id, partner_id=partner.pk, is_active=True)
            .order_by("pk")
        )
        for membership in suspended:
            membership.is_active = False
            membership.deactivated_at = now
            membership.suspended_with_partner = True
            membership.save(update_fields=["is_active", "deactivated_at", "suspended_with_partner"])
            _audit(membership, "accounts.membership.suspended", actor, reason, ip, active=False)
        for invitation in (
            Invitation.objects.pending()
            .select_for_update()
            .filter(tenant_id=partner.tenant_id, partner_id=partner.pk)
        ):
            invitation.revoked_at = now
            invitation.save(update_fields=["revoked_at"])
            audit_record(
                tenant=invitation.tenant,
                actor=actor,
                action="accounts.invitation.revoked",
                obj=invitation,
                reason=reason,
                ip=ip,
            )
    return suspended


def memberships_restore_with_partner(
    *, partner: TenantOwned, actor: User | None, reason: str, ip: str | None = None
) -> list[Membership]:
    """Give back the access `memberships_suspend_with_partner` took; return those restored.

    Only memberships suspended with the company come back, with their role. Idempotent.
    """
    with transaction.atomic():
        restored = list(
            Membership.objects.select_for_update()
            .filter(tenant_id=partner.tenant_id, partner_id=partner.pk, suspended_with_partner=True)
            .order_by("pk")
        )
        for membership in restored:
            membership.is_active = True
            membership.deactivated_at = None
            membership.suspended_with_partner = False
            membership.save(update_fields=["is_active", "deactivated_at", "suspended_with_partner"])
            _audit(membership, "accounts.membership.restored", actor, reason, ip, active=True)
    return restored


def _audit(
    membership: Membership,
    action: str,
    actor: User | None,
    reason: str,
    ip: str | None,
    *,
    active: bool,
) -> None:
    audit_record(
        tenant=membership.tenant,
        actor=actor,
        action=action,
        obj=membership,
        before={"is_active": not active},
        after={"is_active": active},
        reason=reason,
        ip=ip,
    )
