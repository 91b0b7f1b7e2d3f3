"""The portal's navigation: each app registers the entries it provides in its AppConfig.ready().

The portal shows an entry only to members holding its capability, so a feature that does not
exist, or that the member may not use, never appears as a link. `register` adds a section to the
navigation bar; `register_footer` a page every member may want now and then (the rules of
engagement) to the footer of every page, where it does not crowd the bar on a phone.
"""

from collections.abc import Callable
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
    #: a further condition on the member, for entries a tenant setting may hide from a role
    #: that holds the capability (reps see their earnings only if the tenant allows it)
    visible: Callable[[Membership], bool] | None = None


_ITEMS: dict[str, NavItem] = {}
_FOOTER: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def register_footer(item: NavItem) -> None:
    _FOOTER[item.url_name] = item


def _visible(items: dict[str, NavItem], membership: Membership | None) -> list[NavItem]:
    if membership is None:
        return []
    return sorted(
        (
            i
            for i in items.values()
            if membership.can(i.capability) and (i.visible is None or i.visible(membership))
        ),
        key=lambda i: (i.order, str(i.label)),
    )


def items_for(membership: Membership | None) -> list[NavItem]:
    """The navigation bar's entries for the member."""
    return _visible(_ITEMS, membership)


def footer_items_for(membership: Membership | None) -> list[NavItem]:
    """The footer's links for the member."""
    return _visible(_FOOTER, membership)
