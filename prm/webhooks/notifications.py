"""Who is told when a webhook endpoint is disabled (a default rule; tenants can edit it)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_rule
from prm.tenancy.models import Membership

from . import events


def _endpoint_page(event: Event, recipient: Membership) -> str:
    if event.subject is None or not recipient.can("integrations.manage"):
        return ""
    return reverse("admin:webhook", args=[event.subject.pk])


register_rule(
    Rule(
        key="webhooks.endpoint.disabled.tell_leaders",
        event=events.ENDPOINT_DISABLED.name,
        description=_("Tell the program leaders that a webhook endpoint was disabled."),
        recipients=("program_leaders",),
        title=_("Webhook endpoint disabled: {url}"),
        body=_(
            "Every delivery to {url} has failed since {since}, so it was disabled. Its "
            "deliveries wait: fix the receiver, then enable the endpoint again from its page."
        ),
        # the program leaders' "Your partner program" category: no new one for one rule
        category="program",
        link=_endpoint_page,
    )
)
