from datetime import date

import pytest

from prm.metrics.periods import (
    CUSTOM,
    LAST_30,
    LAST_90,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    fiscal_quarter_number,
    fiscal_quarter_of,
    fiscal_year_name,
    fiscal_year_of,
    last_12_months,
    last_days,
    month_of,
    months_in,
    period_for,
    previous,
    quarter_of,
    to_date,
    year_earlier,
    year_of,
)


def test_periods():
    assert quarter_of(date(2026, 11, 23)) == quarter_of(date(2026, 10, 1))
    assert quarter_of(date(2026, 11, 23)).start == date(2026, 10, 1)
    assert quarter_of(date(2026, 11, 23)).end == date(2026, 12, 31)
    assert month_of(date(2024, 2, 10)).end == date(2024, 2, 29)
    assert last_12_months(date(2026, 11, 23)).start == date(2025, 12, 1)
    assert last_days(7, date(2026, 1, 3)).start == date(2025, 12, 28)
    assert date(2026, 1, 3) in last_days(7, date(2026, 1, 3))


def test_fiscal_quarters_and_years_with_a_february_start():
    """A fiscal year starting in February: FY2026 runs from 1 February 2025 to 31 January
    2026 (named after the year it ends in); its fourth quarter is November to January."""
    day = date(2026, 1, 15)
    quarter = fiscal_quarter_of(day, 2)
    assert quarter == Period(date(2025, 11, 1), date(2026, 1, 31))
    assert fiscal_quarter_number(quarter, 2) == 4
    year = fiscal_year_of(day, 2)
    assert year == Period(date(2025, 2, 1), date(2026, 1, 31))
    assert fiscal_year_name(year, 2) == 2026
    assert fiscal_year_name(fiscal_year_of(date(2026, 2, 1), 2), 2) == 2027
    assert fiscal_quarter_number(fiscal_quarter_of(date(2026, 2, 1), 2), 2) == 1
    assert period_for(QUARTER, day, fiscal_start=2) == quarter
    assert period_for(YEAR, day, fiscal_start=2) == year
    # a December start: the year that starts on 1 December 2026 is FY2027
    december = fiscal_year_of(date(2026, 12, 5), 12)
    assert december == Period(date(2026, 12, 1), date(2027, 11, 30))
    assert fiscal_year_name(december, 12) == 2027
    # January (the default) is the calendar
    assert fiscal_quarter_of(date(2026, 5, 31)) == quarter_of(date(2026, 5, 31))
    assert fiscal_year_of(date(2026, 5, 31)) == year_of(date(2026, 5, 31))


def test_previous_is_the_whole_period_before_or_as_many_days_before():
    running = period_for(QUARTER, date(2026, 1, 15), fiscal_start=2)
    assert previous(running, QUARTER, fiscal_start=2) == Period(
        date(2025, 8, 1), date(2025, 10, 31)
    )
    assert previous(fiscal_year_of(date(2026, 1, 15), 2), YEAR, fiscal_start=2) == Period(
        date(2024, 2, 1), date(2025, 1, 31)
    )
    assert previous(month_of(date(2024, 3, 10)), MONTH) == Period(
        date(2024, 2, 1), date(2024, 2, 29)
    )
    last_30 = period_for(LAST_30, date(2026, 3, 1))
    assert last_30 == Period(date(2026, 1, 31), date(2026, 3, 1))
    before = previous(last_30, LAST_30)
    assert before == Period(date(2026, 1, 1), date(2026, 1, 30))
    assert (before.end - before.start) == (last_30.end - last_30.start)
    custom = Period(date(2026, 3, 10), date(2026, 3, 16))  # seven days
    assert previous(custom, CUSTOM) == Period(date(2026, 3, 3), date(2026, 3, 9))
    assert (
        period_for(LAST_90, date(2026, 3, 31)).end - period_for(LAST_90, date(2026, 3, 31)).start
    ).days == 89
    with pytest.raises(ValueError, match="Unknown span"):
        period_for(CUSTOM, date(2026, 3, 1))


def test_year_earlier_keeps_the_days_and_makes_29_february_the_28th():
    assert year_earlier(Period(date(2026, 1, 1), date(2026, 3, 31))) == Period(
        date(2025, 1, 1), date(2025, 3, 31)
    )
    assert year_earlier(Period(date(2024, 2, 29), date(2024, 2, 29))) == Period(
        date(2023, 2, 28), date(2023, 2, 28)
    )
    assert year_earlier(month_of(date(2024, 2, 1))) == Period(date(2023, 2, 1), date(2023, 2, 28))


def test_months_in_clips_the_buckets_and_to_date_stops_today():
    assert months_in(Period(date(2026, 1, 15), date(2026, 3, 10))) == [
        Period(date(2026, 1, 15), date(2026, 1, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 28)),
        Period(date(2026, 3, 1), date(2026, 3, 10)),
    ]
    twelve = months_in(last_12_months(date(2026, 11, 23)))
    assert len(twelve) == 12
    assert twelve[0] == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert twelve[-1] == Period(date(2026, 11, 1), date(2026, 11, 23))
    assert months_in(Period(date(2025, 12, 31), date(2026, 1, 1))) == [
        Period(date(2025, 12, 31), date(2025, 12, 31)),
        Period(date(2026, 1, 1), date(2026, 1, 1)),
    ]
    quarter = quarter_of(date(2026, 5, 20))
    assert to_date(quarter, date(2026, 5, 20)) == Period(date(2026, 4, 1), date(2026, 5, 20))
    assert to_date(quarter, date(2026, 8, 1)) == quarter  # ended: the whole quarter
    assert to_date(quarter, date(2026, 1, 1)) == Period(date(2026, 4, 1), date(2026, 4, 1))
