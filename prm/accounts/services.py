"""Invitations and memberships: the only code that creates members or changes their standing
(with `company_access`, which suspends and restores a partner company's members together)."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.notifications import outbox
from prm.notifications.events import emit
from prm.notifications.log import log_action
from prm.tenancy.models import Membership, Tenant, TenantOwned
from prm.tenancy.roles import PARTNER_ROLES, PEOPLE_ROLES, VENDOR_ROLES, Role, role_phrase
from prm.tenancy.urls_for import tenant_url
from prm.uniques import refusing_duplicates

from . import events
from .company_access import partner_access_ended
from .models import Invitation, SignInDay, User
from .tokens import invitation_token


def may_manage_member(actor: Membership, *, role: str, partner: TenantOwned | None) -> bool:
    """Whether `actor` may invite, deactivate or reactivate a member with this role and company.

    Vendor roles need `members.staff.invite`; partner roles need `members.partner.invite`, or
    `portal.team.manage` for the actor's own company only.
    """
    if role in VENDOR_ROLES:
        return actor.can("members.staff.invite")
    if actor.can("members.partner.invite"):
        return True
    return (
        actor.can("portal.team.manage") and partner is not None and partner.pk == actor.partner_id
    )


def invitation_create(
    *,
    actor: Membership,
    email: str,
    role: str,
    partner: TenantOwned | None = None,
    ip: str | None = None,
) -> Invitation:
    """Invite `email` into the actor's tenant as `role` (of `partner` for partner roles).

    A pending invitation for the same address is replaced. Raises `PermissionDenied` when the actor
    may not invite into that role or company, `ValidationError` (by field) when the address is
    already a member, role and company do not fit, or another invitation of the address was
    made at the same moment. The email is sent after commit.
    """
    tenant = actor.tenant
    email = email.strip().lower()
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError({"partner": _("Choose the partner company this user belongs to.")})
    if role in VENDOR_ROLES and partner is not None:
        raise ValidationError({"partner": _("Vendor staff do not belong to a partner company.")})
    if partner is not None and partner.tenant_id != tenant.pk:
        raise ValidationError({"partner": _("Choose a partner company of this program.")})
    if not may_manage_member(actor, role=role, partner=partner):
        raise PermissionDenied(_("You may not invite users into this role or company."))
    _require_company_access(partner)

    return _invitation_create(
        tenant=tenant, email=email, role=role, partner=partner, invited_by=actor.user, ip=ip
    )


def invitation_create_by_operator(
    *, operator: User, tenant: Tenant, email: str, ip: str | None = None
) -> Invitation:
    """The platform operator invites a tenant's (first) program leader.

    Raises `PermissionDenied` unless `operator` is a platform operator, `ValidationError` when the
    address is already a member.
    """
    if not (operator.is_active and operator.is_staff):
        raise PermissionDenied
    return _invitation_create(
        tenant=tenant,
        email=email.strip().lower(),
        role=Role.PROGRAM_LEADER,
        partner=None,
        invited_by=operator,
        ip=ip,
    )


def _invitation_create(
    *,
    tenant: Tenant,
    email: str,
    role: str,
    partner: TenantOwned | None,
    invited_by: User,
    ip: str | None,
) -> Invitation:
    # Two invitations of one address at the same moment: the second is refused beside "email".
    with refusing_duplicates():
        if Membership.objects.filter(
            tenant=tenant, user__email__iexact=email, is_active=True
        ).exists():
            raise ValidationError({"email": _("This person is already a member of the program.")})
        now = timezone.now()
        replaced = list(
            Invitation.objects.pending()
            .select_for_update()
            .filter(tenant=tenant, email__iexact=email)
        )
        for old in replaced:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
        invitation = Invitation.objects.create(
            tenant=tenant,
            email=email,
            role=role,
            partner_id=partner.pk if partner else None,
            invited_by=invited_by,
            nonce=secrets.token_hex(16),
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        _email_invitation(invitation)
        log_action(
            event=events.INVITATION_SENT,
            tenant=tenant,
            actor=invited_by,
            obj=invitation,
            after={"email": email, "role": role, "partner": str(partner or "")},
            ip=ip,
            data={"invitee": email, "role": role_phrase(invitation.role, partner)},
        )
    return invitation


def invitation_resend(*, actor: Membership, invitation: Invitation, ip: str | None = None) -> None:
    """Send a pending or expired invitation again with a fresh link and a new expiry.

    The previous link stops working. Raises `ValidationError` for accepted or revoked invitations.
    """
    if not may_manage_member(actor, role=invitation.role, partner=invitation.partner):
        raise PermissionDenied(_("You may not manage this invitation."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise ValidationError(_("Only a pending or expired invitation can be sent again."))
        invitation.nonce = secrets.token_hex(16)
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.save(update_fields=["nonce", "expires_at"])
        audit_record(
            tenant=invitation.tenant,
            actor=actor.user,
            action="accounts.invitation.resent",
            obj=invitation,
            ip=ip,
        )
        _email_invitation(invitation)


def invitation_revoke(*, actor: Membership, invitation: Invitation, ip: str | None = None) -> None:
    """Revoke a pending invitation so its link stops working. Idempotent for revoked ones."""
    if not may_manage_member(actor, role=invitation.role, partner=invitation.partner):
        raise PermissionDenied(_("You may not manage this invitation."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError(_("This invitation was already accepted."))
        if invitation.revoked_at:
            return
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            tenant=invitation.tenant,
            actor=actor.user,
            action="accounts.invitation.revoked",
            obj=invitation,
            ip=ip,
        )


def invitation_accept(
    *, invitation: Invitation, password: str, full_name: str = "", ip: str | None = None
) -> Membership:
    """Accept an invitation: create (or confirm) the user, make them a member, verify the email.

    A new user gets `full_name` and `password`; a person who already has an account (they are a
    member elsewhere) proves it with their current password instead. The invitation is locked, so
    a link used twice at the same moment makes one membership. Raises `ValidationError` when the
    invitation is no longer pending or the password is wrong.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise ValidationError(
                _("This invitation is %(status)s and cannot be used any more.")
                % {"status": invitation.get_status_display().lower()}
            )
        _require_company_access(invitation.partner)
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User.objects.create_user(
                invitation.email, password=password, full_name=full_name.strip()
            )
        elif not user.check_password(password):
            raise ValidationError({"password": _("This is not the password of your account.")})
        membership, _created = Membership.objects.update_or_create(
            tenant=invitation.tenant,
            user=user,
            defaults={
                "role": invitation.role,
                "partner": invitation.partner,
                "is_active": True,
                "deactivated_at": None,
            },
        )
        EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=user.email,
            defaults={"email": user.email, "verified": True, "primary": True},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        log_action(
            event=events.INVITATION_ACCEPTED,
            tenant=invitation.tenant,
            actor=user,
            obj=invitation,
            after={"role": invitation.role, "partner": str(invitation.partner or "")},
            ip=ip,
            data={
                "invitee": user.get_full_name() or user.email,
                "role": role_phrase(invitation.role, invitation.partner),
                "membership_id": membership.pk,
            },
        )
    return membership


def membership_deactivate(
    *, actor: Membership, membership: Membership, reason: str, ip: str | None = None
) -> None:
    """End a membership. The member's sessions on this tenant end on their next request.

    Raises `PermissionDenied` when the actor may not manage that member, `ValidationError` when the
    reason is empty or the actor targets themself.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the membership ends.")})
    if membership.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own membership."))
    if not may_manage_member(actor, role=membership.role, partner=membership.partner):
        raise PermissionDenied(_("You may not manage this member."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            if membership.suspended_with_partner:
                # Suspended with the company, now removed on its own: it stays out when the
                # company returns.
                membership.suspended_with_partner = False
                membership.save(update_fields=["suspended_with_partner"])
                audit_record(
                    tenant=membership.tenant,
                    actor=actor.user,
                    action="accounts.membership.deactivated",
                    obj=membership,
                    before={"suspended_with_partner": True},
                    after={"suspended_with_partner": False},
                    reason=reason.strip(),
                    ip=ip,
                )
            return
        membership.is_active = False
        membership.deactivated_at = timezone.now()
        membership.save(update_fields=["is_active", "deactivated_at"])
        log_action(
            event=events.MEMBERSHIP_DEACTIVATED,
            tenant=membership.tenant,
            actor=actor.user,
            obj=membership,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason.strip(),
            ip=ip,
            data=_membership_data(membership, reason),
        )


def membership_reactivate(
    *, actor: Membership, membership: Membership, reason: str = "", ip: str | None = None
) -> None:
    """Restore a deactivated membership with its previous role and company.

    Raises `ValidationError` while the company's own access has ended (it comes back with it).
    """
    if not may_manage_member(actor, role=membership.role, partner=membership.partner):
        raise PermissionDenied(_("You may not manage this member."))
    _require_company_access(membership.partner)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_active:
            return
        membership.is_active = True
        membership.deactivated_at = None
        membership.save(update_fields=["is_active", "deactivated_at"])
        log_action(
            event=events.MEMBERSHIP_REACTIVATED,
            tenant=membership.tenant,
            actor=actor.user,
            obj=membership,
            before={"is_active": False},
            after={"is_active": True},
            reason=reason.strip(),
            ip=ip,
            data=_membership_data(membership, reason),
        )


def membership_change_role(
    *, actor: Membership, membership: Membership, role: str, ip: str | None = None
) -> Membership:
    """Give a member another role on the same side (partner admin <-> rep; staff roles).

    The actor must be allowed to manage the member both in the old and in the new role, and may
    not change their own role. Raises `PermissionDenied` or `ValidationError` (by field).
    """
    if role not in PEOPLE_ROLES or membership.role not in PEOPLE_ROLES:
        raise ValidationError({"role": _("Choose one of the offered roles.")})
    if membership.pk == actor.pk:
        raise ValidationError({"role": _("You cannot change your own role.")})
    same_side = PARTNER_ROLES if membership.role in PARTNER_ROLES else VENDOR_ROLES
    if role not in same_side:
        raise ValidationError({"role": _("A partner user cannot become vendor staff, or back.")})
    for checked in (membership.role, role):
        if not may_manage_member(actor, role=checked, partner=membership.partner):
            raise PermissionDenied(_("You may not manage this member."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        old = membership.role
        if old == role:
            return membership
        membership.role = role
        membership.save(update_fields=["role"])
        log_action(
            event=events.MEMBERSHIP_ROLE_CHANGED,
            tenant=membership.tenant,
            actor=actor.user,
            obj=membership,
            before={"role": old},
            after={"role": role},
            ip=ip,
            data={
                "member": membership.user.get_full_name() or membership.user.email,
                "role": role_phrase(role, membership.partner),
                "old_role": role_phrase(old, membership.partner),
                "membership_id": membership.pk,
            },
        )
    return membership


def invitation_remind(*, invitation: Invitation) -> None:
    """Remind the invitee by email (same link) and tell the inviter, through the event's rules."""
    with transaction.atomic():
        _email_invitation(invitation, reminder=True)
        emit(
            events.INVITATION_REMINDER.name,
            tenant=invitation.tenant,
            subject=invitation,
            data={
                "invitee": invitation.email,
                "role": role_phrase(invitation.role, invitation.partner),
                "days": (timezone.now() - invitation.created_at).days,
            },
        )


def _require_company_access(partner: TenantOwned | None) -> None:
    """Nobody joins, or comes back to, a partner company that is deactivated or offboarded."""
    if partner_access_ended(partner):
        raise ValidationError(
            _(
                "%(company)s's access to the program has ended: nobody can join it or be "
                "reactivated until the company is active again."
            )
            % {"company": partner}
        )


def _email_invitation(invitation: Invitation, *, reminder: bool = False) -> None:
    """The invitation email, written to the outbox in the caller's transaction."""
    outbox.email_enqueue(
        tenant=invitation.tenant,
        to_email=invitation.email,
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "reminder": reminder,
            "accept_url": tenant_url(
                invitation.tenant, f"/invitations/{invitation_token(invitation)}/"
            ),
        },
    )


def _membership_data(membership: Membership, reason: str) -> dict[str, object]:
    """What a membership's deactivation or reactivation event carries."""
    return {
        "member": membership.user.get_full_name() or membership.user.email,
        "role": role_phrase(membership.role, membership.partner),
        "reason": reason.strip(),
        "membership_id": membership.pk,
    }


def sign_in_record(*, tenant: Tenant, user: User) -> None:
    """Note that `user` signed in to `tenant` today (the tenant's day, whose time zone the
    request has activated), for the engagement metrics. Idempotent: a second sign-in the same
    day, or one racing it on another connection, adds nothing. A user without an active
    membership of the tenant (a platform operator) is not counted."""
    membership = Membership.objects.filter(tenant=tenant, user=user, is_active=True).first()
    if membership is None:
        return
    SignInDay.objects.bulk_create(
        [SignInDay(tenant=tenant, membership=membership, day=timezone.localdate())],
        ignore_conflicts=True,
    )
