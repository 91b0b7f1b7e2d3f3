"""Reminders: "Y has not happened N days after X", checked by beat, each step firing once.

An app registers a `Reminder` saying which subjects are due (X happened before a cut-off and Y
has not happened) and what to do for each (usually: emit an event whose rules tell people).
`ReminderLog` remembers every (reminder, step, subject) that fired, so a sweep never fires one
twice, and a subject whose Y happened simply stops being due.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from prm.tenancy.models import Tenant

from .models import ReminderLog


@dataclass(frozen=True)
class Reminder:
    key: str
    description: str
    #: days after X for each step, from the tenant's settings (e.g. [3] or [3, 7])
    after_days: Callable[[Tenant], list[int]]
    #: subjects of the tenant whose X happened before the cut-off and whose Y has not happened
    due: Callable[[Tenant, datetime], models.QuerySet[Any]]
    #: what to do for one subject at one step (0-based); runs in the log's transaction
    fire: Callable[[Any, int], None]
    #: what the log remembers a subject by (at most 64 characters): its id, unless one subject
    #: can be due for different reasons that should each fire once (a partner stalled at step 2,
    #: later at step 4)
    subject_key: Callable[[Any], str] = lambda subject: str(subject.pk)


_REMINDERS: dict[str, Reminder] = {}


def register_reminder(reminder: Reminder) -> None:
    _REMINDERS[reminder.key] = reminder


def all_reminders() -> list[Reminder]:
    return sorted(_REMINDERS.values(), key=lambda r: r.key)


def run_reminders(tenant: Tenant, now: datetime | None = None) -> int:
    """Fire every due reminder step of `tenant` that has not fired yet; return how many fired."""
    now = now or timezone.now()
    fired = 0
    for reminder in all_reminders():
        for step, days in enumerate(reminder.after_days(tenant)):
            done = set(
                ReminderLog.objects.filter(
                    tenant=tenant, reminder=reminder.key, step=step
                ).values_list("subject_id", flat=True)
            )
            for subject in reminder.due(tenant, now - timedelta(days=days)):
                key = reminder.subject_key(subject)
                if key in done:
                    continue
                try:
                    with transaction.atomic():
                        ReminderLog.objects.create(
                            tenant=tenant,
                            reminder=reminder.key,
                            step=step,
                            subject_id=key,
                        )
                        reminder.fire(subject, step)
                except IntegrityError:
                    continue  # another sweep fired it at the same moment
                fired += 1
    return fired
