"""The portal's navigation: each app registers the entries it provides in its AppConfig.ready().

The portal shows an entry only to members holding its capability, so a feature that does not
exist, or that the member may not use, never appears as a link.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from prm.tenancy.models import Membership


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str
    icon: str  # a Bootstrap Icons name
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def items_for(membership: Membership | None) -> list[NavItem]:
    if membership is None:
        return []
    return sorted(
        (i for i in _ITEMS.values() if membership.can(i.capability)),
        key=lambda i: (i.order, str(i.label)),
    )
