"""Reporting periods: the one place months, quarters and rolling windows are worked out."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """Days from `start` up to and including `end`."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


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
