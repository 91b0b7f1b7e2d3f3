"""Template context every page on a tenant host gets: branding, membership, navigation."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from prm.notifications.selectors import unread_count
from prm.tenancy.branding import branding_for

from . import nav


def portal(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return {}
    membership = getattr(request, "membership", None)
    unread = unread_count(tenant=tenant, user=membership.user) if membership is not None else 0
    return {
        "notifications_unread": unread,
        "notification_poll_seconds": settings.NOTIFICATION_POLL_SECONDS,
        "tenant": tenant,
        "branding": branding_for(tenant),
        "membership": membership,
        "nav_items": nav.items_for(membership),
        "footer_items": nav.footer_items_for(membership),
    }
