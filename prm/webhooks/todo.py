"""The staff home's card for webhooks: endpoints disabled or failing (program leaders)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine

from .models import WebhookEndpoint


def webhooks_todo(membership: Membership) -> TodoCard | None:
    """Disabled and failing endpoints, in one query; no card while every endpoint is fine."""
    counts = WebhookEndpoint.objects.filter(tenant_id=membership.tenant_id).aggregate(
        disabled=Count("pk", filter=Q(is_active=False)),
        failing=Count("pk", filter=Q(is_active=True, failing_since__isnull=False)),
    )
    disabled, failing = counts["disabled"], counts["failing"]
    if not disabled and not failing:
        return None
    url = reverse("admin:webhooks")
    return TodoCard(
        key="webhooks",
        title=gettext_lazy("Webhooks"),
        lines=[
            TodoLine(
                ngettext(
                    "endpoint disabled: its deliveries wait",
                    "endpoints disabled: their deliveries wait",
                    disabled,
                ),
                disabled,
                url,
                kind="failed",
            ),
            TodoLine(
                ngettext(
                    "endpoint failing: deliveries are retried",
                    "endpoints failing: deliveries are retried",
                    failing,
                ),
                failing,
                url,
                kind="warning",
            ),
        ],
        empty=_("Every webhook endpoint is delivering."),
        link=(_("All webhooks"), url),
    )
