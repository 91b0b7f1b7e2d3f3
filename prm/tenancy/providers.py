"""Providers that apps register with the core, asked in order and only for members holding
their capability: the portal's home cards, the staff home's to-do cards and the partner page's
sections all keep their providers in one of these (the core names no app)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .models import Membership

P = TypeVar("P", bound=Callable[..., Any])


@dataclass(frozen=True)
class _Registered(Generic[P]):
    provider: P
    capability: str | None
    order: int


class Providers(Generic[P]):
    """An ordered list of providers, each registered once (an app's ready() may run twice)."""

    def __init__(self) -> None:
        self._registered: list[_Registered[P]] = []

    def register(self, provider: P, *, capability: str | None = None, order: int = 500) -> None:
        """Ask `provider` by `order` (equal orders: first registered first), for members
        holding `capability` (None: every member the page is for)."""
        if all(r.provider is not provider for r in self._registered):
            self._registered.append(_Registered(provider, capability, order))
            self._registered.sort(key=lambda r: r.order)  # stable

    def for_member(self, membership: Membership) -> Iterator[P]:
        """The providers `membership` may see, in order: one lacking the capability is never
        asked, so it costs nothing."""
        for r in self._registered:
            if r.capability is None or membership.can(r.capability):
                yield r.provider
