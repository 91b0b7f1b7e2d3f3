"""The staff home's card for API keys: keys that stop working within two weeks (program
leaders), so that the CRM's key is replaced before its sync breaks."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.tenancy.models import Membership
from prm.workspace.todo import TodoCard, TodoLine

from .models import ApiKey

SOON = timedelta(days=14)


def api_keys_todo(membership: Membership) -> TodoCard | None:
    """Active keys expiring within 14 days, in one query; no card while none does."""
    now = timezone.now()
    expiring = ApiKey.objects.filter(
        tenant_id=membership.tenant_id,
        revoked_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + SOON,
    ).count()
    if not expiring:
        return None
    url = reverse("admin:api_keys")
    return TodoCard(
        key="api_keys",
        title=gettext_lazy("API keys"),
        lines=[
            TodoLine(
                ngettext(
                    "key expires within two weeks: create its successor",
                    "keys expire within two weeks: create their successors",
                    expiring,
                ),
                expiring,
                url,
                kind="warning",
            )
        ],
        empty=_("No API key expires within two weeks."),
        link=(_("All API keys"), url),
    )
