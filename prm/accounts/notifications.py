"""Who is told what when the accounts app's events happen (defaults; tenants can edit them)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

from . import events


def _inviter(event: Event) -> Iterable[Membership]:
    inviter_id = getattr(event.subject, "invited_by_id", None)
    if inviter_id is None:
        return []
    return Membership.objects.filter(tenant=event.tenant, user_id=inviter_id).select_related("user")


def _member_page(event: Event, recipient: Membership) -> str:
    """Staff go to the membership in the admin UI; a partner admin to their team page."""
    member_id = event.data.get("membership_id")
    if recipient.is_vendor_staff and member_id:
        return reverse("admin:tenancy_membership_change", args=[member_id])
    return reverse("accounts:team") if recipient.can("portal.team.manage") else ""


def _invitations_page(event: Event, recipient: Membership) -> str:
    if recipient.is_vendor_staff:
        return reverse("admin:accounts_invitation_changelist")
    return reverse("accounts:team") if recipient.can("portal.team.manage") else ""


def _member(event: Event) -> Iterable[Membership]:
    if event.subject is None:
        return []
    return Membership.objects.filter(tenant=event.tenant, pk=event.subject.pk).select_related(
        "user"
    )


register_recipients("inviter", _inviter)
register_recipients("member", _member)

register_rule(
    Rule(
        key="accounts.invitation.accepted.tell_inviter",
        event=events.INVITATION_ACCEPTED.name,
        description=_("Tell the inviter that their invitation was accepted."),
        recipients=("inviter",),
        title=_("{invitee} accepted your invitation"),
        body=_("{invitee} joined {portal} as {role}."),
        category="account",
        link=_member_page,
    )
)
register_rule(
    Rule(
        key="accounts.invitation.reminder.tell_inviter",
        event=events.INVITATION_REMINDER.name,
        description=_("Tell the inviter that an invitation is still open after some days."),
        recipients=("inviter",),
        title=_("{invitee} has not accepted your invitation yet"),
        body=_(
            "The invitation for {role} is open for {days} days. We reminded {invitee}; "
            "you can send it again or revoke it."
        ),
        category="account",
        link=_invitations_page,
    )
)
register_rule(
    Rule(
        key="accounts.membership.deactivated.tell_leaders",
        event=events.MEMBERSHIP_DEACTIVATED.name,
        description=_("Tell program leaders when someone's access is ended."),
        recipients=("program_leaders",),
        title=_("{member} can no longer sign in"),
        body=_("{actor} deactivated {member} ({role}). Reason: {reason}"),
        category="account",
        link=_member_page,
    )
)
register_rule(
    Rule(
        key="accounts.membership.role_changed.tell_member",
        event=events.MEMBERSHIP_ROLE_CHANGED.name,
        description=_("Tell a member when their role changes."),
        recipients=("member",),
        title=_("You are now {role}"),
        body=_("{actor} changed your role from {old_role} to {role}."),
        category="account",
        link=lambda event, recipient: (
            reverse("admin:index") if recipient.is_vendor_staff else reverse("portal:home")
        ),
    )
)
