"""How the workspace's own audit events read (`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "tenancy.settings.changed": Phrase(
            _("Program settings changed"), _("{actor} changed the program settings")
        ),
    }
)
