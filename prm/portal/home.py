"""Cards that apps contribute to the partner's home page (the core imports no product app).

An app registers a provider in its AppConfig.ready(); the provider gets the partner company
and returns the card's template and context, or None when it has nothing to show. A card may
need a capability: members without it never see it (the provider is not even asked).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prm.tenancy.models import Membership


@dataclass(frozen=True)
class Card:
    template: str
    context: dict[str, Any]


Provider = Callable[[Any], Card | None]


@dataclass(frozen=True)
class _Registered:
    provider: Provider
    capability: str | None
    order: int


_PROVIDERS: list[_Registered] = []


def register_card(provider: Provider, *, capability: str | None = None, order: int = 500) -> None:
    """Show `provider`'s card on the home page, by `order`, to members holding `capability`."""
    if all(r.provider is not provider for r in _PROVIDERS):
        _PROVIDERS.append(_Registered(provider, capability, order))
        _PROVIDERS.sort(key=lambda r: r.order)  # stable: equal orders keep registration order


def home_cards(membership: Membership) -> list[Card]:
    """The cards of the member's home page, in order."""
    return [
        card
        for r in _PROVIDERS
        if r.capability is None or membership.can(r.capability)
        if (card := r.provider(membership.partner)) is not None
    ]
