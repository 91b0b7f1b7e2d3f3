"""How the API keys' audit events read (prm.audit.sentences)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "api.key.created": Phrase(
            _("API key created"),
            _("{actor} created the API key {object}"),
            hidden=("scopes",),
        ),
        "api.key.revoked": Phrase(_("API key revoked"), _("{actor} revoked the API key {object}")),
    }
)
