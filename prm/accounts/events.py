"""Events of the accounts app (emitted by prm.accounts.services)."""

from prm.notifications.events import declare

INVITATION_SENT = declare(
    "accounts.invitation.sent",
    "Someone was invited to join the program (the invitee gets the link by email).",
    placeholders=("invitee", "role"),
)
INVITATION_ACCEPTED = declare(
    "accounts.invitation.accepted",
    "An invitee accepted and is now a member.",
    placeholders=("invitee", "role"),
)
INVITATION_REMINDER = declare(
    "accounts.invitation.reminder",
    "An invitation is still not accepted N days after it was sent (the invitee was reminded).",
    placeholders=("invitee", "role", "days"),
)
MEMBERSHIP_DEACTIVATED = declare(
    "accounts.membership.deactivated",
    "A member's access to the program was ended.",
    placeholders=("member", "role", "reason"),
)
MEMBERSHIP_ROLE_CHANGED = declare(
    "accounts.membership.role_changed",
    "A member's role changed (for example from partner rep to partner admin).",
    placeholders=("member", "role", "old_role"),
)
MEMBERSHIP_REACTIVATED = declare(
    "accounts.membership.reactivated",
    "A deactivated member's access was restored.",
    placeholders=("member", "role", "reason"),
)
