"""Events of the webhooks (emitted by prm.webhooks.sending)."""

from prm.notifications.events import declare

ENDPOINT_DISABLED = declare(
    "webhooks.endpoint.disabled",
    "A webhook endpoint failed every delivery for 24 hours and was disabled; its deliveries wait "
    "until someone enables it again.",
    placeholders=("url", "since"),
)

#: the test event an endpoint's page sends ("Send a test event"); not an event of the product,
#: so no endpoint subscribes to it and no notification rule answers it
PING = "webhooks.ping"
