from datetime import date

from prm.metrics.periods import last_12_months, last_days, month_of, quarter_of


def test_periods():
    assert quarter_of(date(2026, 11, 23)) == quarter_of(date(2026, 10, 1))
    assert quarter_of(date(2026, 11, 23)).start == date(2026, 10, 1)
    assert quarter_of(date(2026, 11, 23)).end == date(2026, 12, 31)
    assert month_of(date(2024, 2, 10)).end == date(2024, 2, 29)
    assert last_12_months(date(2026, 11, 23)).start == date(2025, 12, 1)
    assert last_days(7, date(2026, 1, 3)).start == date(2025, 12, 28)
    assert date(2026, 1, 3) in last_days(7, date(2026, 1, 3))
