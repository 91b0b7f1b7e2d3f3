"""The events automatic onboarding steps may name, and where their history is kept.

`services.offer_event` adds one and subscribes to it; this module only holds the list, so that
forms and pages can offer the events without importing the services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from prm.notifications.events import all_event_types
from prm.tenancy.models import Tenant

#: (tenant, partner ids) -> {partner id: when the partner first did it}
FirstAt = Callable[[Tenant, list[int]], dict[int, datetime]]


@dataclass(frozen=True)
class PortalLink:
    """The portal page where a partner user does what an automatic step waits for, shown
    beside the step to those holding `capability` ("Read and accept the agreement")."""

    url_name: str
    label: str | Promise
    capability: str


@dataclass(frozen=True)
class OnboardingEvent:
    name: str
    label: str | Promise
    #: the partners' history of the event, so steps that apply after the fact tick from it
    #: (None: no history this app can read)
    first_at: FirstAt | None = None
    #: only when one of the partner's own users did it (not the vendor doing it for them)
    by_partner_only: bool = False
    #: where the partner does it in the portal (None: nowhere a partner user can go)
    link: PortalLink | None = None


_EVENTS: dict[str, OnboardingEvent] = {}


def register(event: OnboardingEvent) -> None:
    _EVENTS[event.name] = event


def offered(name: str) -> OnboardingEvent | None:
    return _EVENTS.get(name)


def offered_events() -> list[OnboardingEvent]:
    return sorted(_EVENTS.values(), key=lambda e: str(e.label))


def event_choices() -> list[tuple[str, str]]:
    """Choices for a step's event; events no app emits yet say so."""
    live = {t.name for t in all_event_types()}
    return [
        (
            e.name,
            str(e.label)
            if e.name in live
            else _("%(label)s (not emitted yet)") % {"label": e.label},
        )
        for e in offered_events()
    ]


def event_label(name: str) -> str:
    """What the event is called; an event no app offers yet by the words of its name
    ("training.course.passed": "Course passed (no app reports it yet)")."""
    offered = _EVENTS.get(name)
    if offered is not None:
        return str(offered.label)
    parts = [p.replace("_", " ") for p in name.split(".") if p]
    words = " ".join(parts[-2:]) if len(parts) >= 2 else name
    return _("%(what)s (no app reports it yet)") % {"what": words[:1].upper() + words[1:]}


def is_live(name: str) -> bool:
    """Whether an app emits the event today: a step waiting for an event no app declares yet
    (a course passed, before the training app exists) can only be ticked by hand."""
    return name in {t.name for t in all_event_types()}
