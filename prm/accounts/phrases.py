"""How the accounts app's audit events read in history panels and the audit log
(`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "accounts.invitation.sent": Phrase(
            _("Invitation sent"), _("{actor} invited {email} as {role}")
        ),
        "accounts.invitation.resent": Phrase(
            _("Invitation sent again"), _("{actor} sent the invitation of {object} again")
        ),
        "accounts.invitation.revoked": Phrase(
            _("Invitation revoked"), _("{actor} revoked the invitation of {object}")
        ),
        "accounts.invitation.accepted": Phrase(
            _("Invitation accepted"), _("{actor} accepted the invitation and joined as {role}")
        ),
        "accounts.membership.deactivated": Phrase(
            _("Access ended"), _("{actor} ended the access of {object}")
        ),
        "accounts.membership.reactivated": Phrase(
            _("Access restored"), _("{actor} restored the access of {object}")
        ),
        "accounts.membership.role_changed": Phrase(
            _("Role changed"), _("{actor} changed the role of {object} from {old_role} to {role}")
        ),
    }
)
