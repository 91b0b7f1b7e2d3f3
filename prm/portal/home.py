"""Cards that apps contribute to the partner's home page (the core imports no product app).

An app registers a provider in its AppConfig.ready(); the provider gets the partner company
and returns the card's template and context, or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Card:
    template: str
    context: dict[str, Any]


Provider = Callable[[Any], Card | None]
_PROVIDERS: list[Provider] = []


def register_card(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def home_cards(partner: Any) -> list[Card]:
    return [card for provider in _PROVIDERS if (card := provider(partner)) is not None]
