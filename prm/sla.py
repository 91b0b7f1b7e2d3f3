"""The business-hours SLA clock: the hours of Monday to Friday in the program's time zone,
around the clock, and how a decision clock reads to staff.

A decision that waits on staff (a deal registration, an MDF request) is due a number of business
hours after it was submitted, so one submitted on a Friday evening is not overdue on Monday
morning. Every app's queue, to-do card and escalation uses this one clock.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_HOUR = timedelta(hours=1)


def _is_business_day(moment: datetime) -> bool:
    return moment.weekday() < 5


def _next_day(moment: datetime) -> datetime:
    return (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def add_business_hours(start: datetime, hours: int, time_zone: str) -> datetime:
    """The moment `hours` business hours after `start` (an aware datetime; the result is UTC)."""
    tz = ZoneInfo(time_zone)
    moment = start.astimezone(tz).replace(tzinfo=None)  # wall-clock arithmetic, DST-proof
    left = timedelta(hours=hours)
    while True:
        if _is_business_day(moment):
            day_end = _next_day(moment)
            if moment + left <= day_end:
                moment += left
                break
            left -= day_end - moment
        moment = _next_day(moment)
    return moment.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))


def business_hours_between(start: datetime, end: datetime, time_zone: str) -> Decimal:
    """Business hours from `start` to `end` (0 when end is not after start), to 2 places."""
    if end <= start:
        return Decimal("0.00")
    tz = ZoneInfo(time_zone)
    moment = start.astimezone(tz).replace(tzinfo=None)
    stop = end.astimezone(tz).replace(tzinfo=None)
    # Whole weeks at once (five business days each), then day by day for the rest.
    weeks = (stop - moment).days // 7
    total = timedelta(days=5 * weeks)
    moment += timedelta(days=7 * weeks)
    while moment < stop:
        day_end = min(_next_day(moment), stop)
        if _is_business_day(moment):
            total += day_end - moment
        moment = day_end
    return (Decimal(total.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


def hours_text(hours: Decimal) -> str:
    """Business hours, rounded to whole hours, as a person reads them."""
    whole = int(hours.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole < 1:
        return _("less than 1 h")
    return ngettext("%(n)d h", "%(n)d h", whole) % {"n": whole}


def waiting_text(since: datetime | None, now: datetime | None = None) -> str:
    """How long something has waited, in calendar time ("2 days, 3 hours")."""
    if since is None:
        return "—"
    return timesince(since, now or timezone.now(), depth=2)


def sla_state(due: datetime, time_zone: str, now: datetime | None = None) -> tuple[str, str]:
    """(badge kind, text) of a decision clock: "12 h left" or "overdue by 5 h", in business
    hours; the warning colour in the last 8 business hours."""
    now = now or timezone.now()
    if now >= due:
        late = business_hours_between(due, now, time_zone)
        return "failed", _("overdue by %(hours)s") % {"hours": hours_text(late)}
    left = business_hours_between(now, due, time_zone)
    kind = "medium" if left <= 8 else "high"
    return kind, _("%(hours)s left") % {"hours": hours_text(left)}
