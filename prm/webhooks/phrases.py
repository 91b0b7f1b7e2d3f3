"""How the audit events of webhooks read (`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "webhooks.endpoint.created": Phrase(
            _("Webhook endpoint added"), _("{actor} added the webhook endpoint {object}")
        ),
        "webhooks.endpoint.changed": Phrase(
            _("Webhook endpoint changed"), _("{actor} changed the webhook endpoint {object}")
        ),
        "webhooks.endpoint.secret_rotated": Phrase(
            _("Webhook secret rotated"), _("{actor} rotated the secret of {object}")
        ),
        "webhooks.endpoint.disabled": Phrase(
            _("Webhook endpoint disabled"), _("{actor} disabled the webhook endpoint {object}")
        ),
        "webhooks.endpoint.enabled": Phrase(
            _("Webhook endpoint enabled"), _("{actor} enabled the webhook endpoint {object}")
        ),
        "webhooks.endpoint.pinged": Phrase(
            _("Webhook test event sent"), _("{actor} sent a test event to {object}")
        ),
        "webhooks.delivery.redelivered": Phrase(
            _("Webhook redelivered"), _("{actor} redelivered {object}")
        ),
    }
)
