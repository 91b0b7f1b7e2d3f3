"""Events of the webhooks (emitted by prm.webhooks.sending)."""

from django.utils.translation import gettext_lazy as _

from prm.notifications.categories import declare_category
from prm.notifications.events import declare

declare_category("integrations", _("Integrations (API keys and webhooks)"))

ENDPOINT_DISABLED = declare(
    "webhooks.endpoint.disabled",
    "A webhook endpoint failed every delivery for 24 hours and was disabled; its deliveries wait "
    "until someone enables it again.",
    placeholders=("url", "since"),
)

#: the test event an endpoint's page sends ("Send a test event"); not an event of the product,
#: so no endpoint subscribes to it and no notification rule answers it
PING = "webhooks.ping"
