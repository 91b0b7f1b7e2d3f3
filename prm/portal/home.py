"""Cards that apps contribute to the partner's home page (the core imports no product app).

An app registers a provider in its AppConfig.ready(); the provider gets the partner company
and returns the card's template and context, or None when it has nothing to show. A card may
need a capability: members without it never see it (the provider is not even asked).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prm.tenancy.models import Membership
from prm.tenancy.providers import Providers


@dataclass(frozen=True)
class Card:
    template: str
    context: dict[str, Any]


Provider = Callable[[Any], Card | None]


_CARDS: Providers[Provider] = Providers()


def register_card(provider: Provider, *, capability: str | None = None, order: int = 500) -> None:
    """Show `provider`'s card on the home page, by `order`, to members holding `capability`."""
    _CARDS.register(provider, capability=capability, order=order)


def home_cards(membership: Membership) -> list[Card]:
    """The cards of the member's home page, in order."""
    return [
        card
        for provider in _CARDS.for_member(membership)
        if (card := provider(membership.partner)) is not None
    ]
