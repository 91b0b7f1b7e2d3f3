"""What sends a survey: a registry of triggers, each filled in by the app owning its event.

`register(SurveyTrigger(...))` from the app's `AppConfig.ready()`. The event need not be declared
yet (a trigger on a QBR held may be registered before reporting declares it): the handler is
subscribed ahead and lies dormant until the event is emitted. A trigger without events (the
quarterly relationship survey) is fired by its own job.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from prm.notifications.events import Event, subscribe_ahead
from prm.tenancy.models import Membership

#: the quarterly relationship survey, sent by beat on the first days of each fiscal quarter
QUARTERLY = "partners.quarterly"

Members = Callable[[Event], Iterable[Membership]]


def _nobody(event: Event) -> Iterable[Membership]:
    return []


@dataclass(frozen=True)
class SurveyTrigger:
    """`name` is what a survey stores ("deals.decision"); `event` the event name or names it
    fires on ("" for none: fired by a job); `members(event)` the partner users to ask."""

    name: str
    label: str | Promise
    event: str | tuple[str, ...] = ""
    members: Members = _nobody

    @property
    def events(self) -> tuple[str, ...]:
        if isinstance(self.event, str):
            return (self.event,) if self.event else ()
        return self.event


_TRIGGERS: dict[str, SurveyTrigger] = {}


def register(trigger: SurveyTrigger) -> None:
    """Offer `trigger` to surveys and subscribe to its events (ahead of their declaration)."""
    from .services import on_trigger_event  # services import this module

    _TRIGGERS[trigger.name] = trigger
    for name in trigger.events:
        subscribe_ahead(name, on_trigger_event)


def get(name: str) -> SurveyTrigger | None:
    return _TRIGGERS.get(name)


def all_triggers() -> list[SurveyTrigger]:
    return sorted(_TRIGGERS.values(), key=lambda t: str(t.label))


def firing_on(event_name: str) -> list[SurveyTrigger]:
    return [t for t in _TRIGGERS.values() if event_name in t.events]


def choices() -> list[tuple[str, str]]:
    return [(t.name, str(t.label)) for t in all_triggers()]


def label_of(name: str) -> str:
    """What a trigger is called; one no app registers (any more) by its name."""
    found = _TRIGGERS.get(name)
    return str(found.label) if found is not None else name
