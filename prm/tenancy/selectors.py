"""Reads about memberships that are not about one tenant's data."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_scopes import scopes_disabled

from .models import Membership, Tenant
from .urls_for import tenant_url

if TYPE_CHECKING:  # the user model lives in prm.accounts, above this package
    from prm.accounts.models import User


@dataclass(frozen=True)
class OtherPortal:
    name: str
    title: str
    url: str
    role: str
    company: str


def other_portals_for(*, user: "User", current: Tenant) -> list[OtherPortal]:
    """The portals of the other tenants where `user` is an active member, with links to them.

    One person may sell for several vendors; this page is where they hop between them.
    """
    # scopes_disabled: reads across tenants, but only the requesting user's own memberships,
    # and shows only each tenant's name and host, never its data.
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=user, is_active=True, tenant__is_active=True)
            .exclude(tenant=current)
            .select_related("tenant", "partner")
            .prefetch_related("tenant__domains")
            .order_by("tenant__name")
        )
    portals = []
    for m in memberships:
        if not any(d.is_primary for d in m.tenant.domains.all()):
            continue
        path = "/admin/" if m.is_vendor_staff else "/"
        portals.append(
            OtherPortal(
                name=m.tenant.name,
                title=m.tenant.portal_title or m.tenant.name,
                url=tenant_url(m.tenant, path),
                role=m.get_role_display(),
                company=m.partner.name if m.partner else "",
            )
        )
    return portals
