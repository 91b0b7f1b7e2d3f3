"""How the notifications' audit events read in history panels and the audit log
(`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "notifications.rule.changed": Phrase(
            _("Notification rule changed"), _("{actor} changed the notification rule {object}")
        ),
    }
)
