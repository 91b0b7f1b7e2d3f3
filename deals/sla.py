"""Business hours: the hours of Monday to Friday in the program's time zone, around the clock.

The decision clock of a registration counts only these hours, so a registration submitted on a
Friday evening is not overdue on Monday morning.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

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
