"""Reporting periods: the one place months, quarters and rolling windows are worked out."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """Days from `start` up to and including `end`."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def moments(self) -> tuple[datetime, datetime]:
        """The period's first moment and the first moment after it, in the current time zone
        (a datetime is in the period when `first <= it < after`)."""
        zone = timezone.get_current_timezone()
        first = datetime.combine(self.start, time.min, tzinfo=zone)
        return first, datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)


def last_days(days: int, today: date) -> Period:
    """The `days` days ending today (inclusive)."""
    return Period(today - timedelta(days=days - 1), today)


def last_12_months(today: date) -> Period:
    start = _add_months(today.replace(day=1), -11)
    return Period(start, today)


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return Period(first, _add_months(first, 1) - timedelta(days=1))


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(first, _add_months(first, 3) - timedelta(days=1))


def year_of(day: date) -> Period:
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# Reporting periods a person picks on a dashboard or an alert rule picks as its window. Quarters
# and years follow the tenant's fiscal year (`Tenant.fiscal_year_start`, a month); a fiscal year
# is named after the calendar year it ends in (FY2027 starts in February 2026 when the fiscal year
# starts in February), as most companies name theirs.

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
LAST_30 = "last_30"
LAST_90 = "last_90"
CUSTOM = "custom"
#: what a dashboard offers, in this order
SPANS = (MONTH, QUARTER, YEAR, LAST_30, LAST_90, CUSTOM)
#: the trailing windows, in days
TRAILING = {LAST_30: 30, LAST_90: 90}


def fiscal_quarter_of(day: date, fiscal_start: int = 1) -> Period:
    """The fiscal quarter holding `day` when the fiscal year starts in month `fiscal_start`."""
    offset = (day.month - fiscal_start) % 3
    first = _add_months(day.replace(day=1), -offset)
    return Period(first, _add_months(first, 3) - timedelta(days=1))


def fiscal_year_of(day: date, fiscal_start: int = 1) -> Period:
    """The fiscal year holding `day` when it starts in month `fiscal_start`."""
    offset = (day.month - fiscal_start) % 12
    first = _add_months(day.replace(day=1), -offset)
    return Period(first, _add_months(first, 12) - timedelta(days=1))


def fiscal_year_name(period: Period, fiscal_start: int = 1) -> int:
    """The number of the fiscal year holding the period's first day: the calendar year it
    ends in."""
    return fiscal_year_of(period.start, fiscal_start).end.year


def fiscal_quarter_number(period: Period, fiscal_start: int = 1) -> int:
    """1 to 4: which quarter of its fiscal year the period's first day is in."""
    return (period.start.month - fiscal_start) % 12 // 3 + 1


def period_for(span: str, today: date, *, fiscal_start: int = 1) -> Period:
    """The current period of a span (this month, this fiscal quarter, this fiscal year, or the
    trailing 30 or 90 days ending today). A custom period is made by the caller from two days."""
    if span == MONTH:
        return month_of(today)
    if span == QUARTER:
        return fiscal_quarter_of(today, fiscal_start)
    if span == YEAR:
        return fiscal_year_of(today, fiscal_start)
    if span in TRAILING:
        return last_days(TRAILING[span], today)
    raise ValueError(f"Unknown span {span!r}")


def previous(period: Period, span: str, *, fiscal_start: int = 1) -> Period:
    """The period before: the previous month, quarter or year (whole, even when `period` is the
    current one and still running), else the same number of days just before."""
    before = period.start - timedelta(days=1)
    if span == MONTH:
        return month_of(before)
    if span == QUARTER:
        return fiscal_quarter_of(before, fiscal_start)
    if span == YEAR:
        return fiscal_year_of(before, fiscal_start)
    return Period(period.start - (period.end - period.start) - timedelta(days=1), before)


def year_earlier(period: Period) -> Period:
    """The same days a year earlier (29 February becomes the 28th)."""
    return Period(_minus_year(period.start), _minus_year(period.end))


def to_date(period: Period, today: date) -> Period:
    """The part of the period up to today (a running quarter "to date"); the period itself when
    it has ended."""
    return Period(period.start, min(period.end, max(today, period.start)))


def months_in(period: Period) -> list[Period]:
    """The calendar months the period touches, each clipped to the period: the buckets of a
    monthly chart."""
    months = []
    first = period.start.replace(day=1)
    while first <= period.end:
        month = month_of(first)
        months.append(Period(max(month.start, period.start), min(month.end, period.end)))
        first = _add_months(first, 1)
    return months


def _minus_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
