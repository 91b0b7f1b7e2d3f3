"""Template context every page on a tenant host gets: branding, membership, navigation."""

from typing import Any

from django.http import HttpRequest

from . import nav
from .branding import branding_for


def portal(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "tenant": tenant,
        "branding": branding_for(tenant),
        "membership": membership,
        "nav_items": nav.items_for(membership),
    }
