"""Named events: declared once per app, emitted by services inside their transaction.

Each app lists its events in its own `events.py` with `declare(...)`; `all_event_types()` is the
product's complete list. Higher apps `subscribe` in-process handlers (a won deal accrues a
commission), which run in the emitting transaction, so a lower app never imports a higher one.
A listener of every event (`listen_all`: the webhooks' outbox, prm.webhooks) runs after the
subscribed handlers, also in the emitting transaction. Then the tenant's notification rules for
the event run (`rules.apply`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from prm.tenancy.models import Tenant
from prm.tenancy.urls_for import tenant_urlconf

if TYPE_CHECKING:  # the user model lives in prm.accounts, which imports this module
    from prm.accounts.models import User


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    #: the placeholders notification texts for this event may use (besides the standard ones)
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    type: EventType
    tenant: Tenant
    actor: "User | None"  # the user who acted, or None for the system
    subject: models.Model | None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.type.name


Handler = Callable[[Event], None]

_TYPES: dict[str, EventType] = {}
_HANDLERS: dict[str, list[Handler]] = {}
_ALL_HANDLERS: list[Handler] = []


def declare(name: str, description: str, placeholders: tuple[str, ...] = ()) -> EventType:
    """Declare an event; its name is `<app>.<entity>.<what happened>`."""
    if name in _TYPES and _TYPES[name] != EventType(name, description, placeholders):
        raise ValueError(f"Event {name} declared twice, differently")
    _TYPES[name] = EventType(name, description, placeholders)
    return _TYPES[name]


def event_type(name: str) -> EventType:
    try:
        return _TYPES[name]
    except KeyError:
        raise ValueError(f"Undeclared event {name!r}: declare it in its app's events.py") from None


def all_event_types() -> list[EventType]:
    return sorted(_TYPES.values(), key=lambda t: t.name)


def subscribe(name: str, handler: Handler) -> None:
    """Run `handler(event)` in the emitting transaction whenever `name` is emitted."""
    event_type(name)
    subscribe_ahead(name, handler)


def subscribe_ahead(name: str, handler: Handler) -> None:
    """Subscribe to an event that an app not built yet will declare (`deals.deal.registered`).

    The name is not checked, unlike `subscribe`'s: the handler lies dormant until the event is
    declared and emitted (`emit` still refuses undeclared names). For features that let a vendor
    name events of later apps, such as onboarding steps; everything else uses `subscribe`.
    """
    if handler not in _HANDLERS.setdefault(name, []):
        _HANDLERS[name].append(handler)


def listen_all(handler: Handler) -> None:
    """Run `handler(event)` for every event emitted, in the emitting transaction, after the
    handlers subscribed to that event and before the notification rules.

    For the core's mechanisms that follow every event alike (the webhooks' outbox writes a
    delivery per subscribed endpoint). Keep it cheap: it runs on every emit of every app.
    """
    if handler not in _ALL_HANDLERS:
        _ALL_HANDLERS.append(handler)


def emit(
    name: str,
    *,
    tenant: Tenant,
    actor: "User | None" = None,
    subject: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Emit an event. Call it inside the service's transaction.

    Subscribed handlers run first, then the listeners of every event (`listen_all`), then the
    notification rules, which write notifications and
    outbox rows in this same transaction: if it rolls back, nothing of the event remains. The
    emails themselves are handed to Celery only after commit.
    """
    from . import rules  # rules import event types; emit is their only caller here

    if subject is not None and getattr(subject, "tenant_id", tenant.pk) != tenant.pk:
        raise ValueError("An event's subject must belong to the event's tenant")
    event = Event(
        type=event_type(name), tenant=tenant, actor=actor, subject=subject, data=data or {}
    )
    for handler in _HANDLERS.get(name, []):
        handler(event)
    for handler in _ALL_HANDLERS:
        handler(event)
    with tenant_urlconf():  # rules link to tenant pages, whichever host emitted the event
        rules.apply(event)
    return event
