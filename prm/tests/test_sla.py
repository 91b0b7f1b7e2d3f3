"""The business-hours SLA clock every decision queue uses."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from prm.sla import add_business_hours, business_hours_between, sla_state

UTC = ZoneInfo("UTC")


def test_business_hours_skip_the_weekend():
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
    due = add_business_hours(friday_evening, 48, "UTC")
    assert due == datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # Tuesday evening
    assert business_hours_between(friday_evening, due, "UTC") == 48
    assert business_hours_between(due, friday_evening, "UTC") == 0


def test_business_hours_follow_the_programs_time_zone():
    # Friday 23:30 in Tokyo: half an hour counts on Friday, the other half on Monday, Tokyo's
    # Monday 00:30 being Sunday 15:30 in UTC.
    start = datetime(2026, 12, 4, 14, 30, tzinfo=UTC)
    assert add_business_hours(start, 1, "Asia/Tokyo") == datetime(2026, 12, 6, 15, 30, tzinfo=UTC)
    assert add_business_hours(start, 1, "UTC") == datetime(2026, 12, 4, 15, 30, tzinfo=UTC)


def test_the_sla_badge_counts_business_hours_left_and_overdue():
    monday_9 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    friday_17 = datetime(2026, 2, 27, 17, tzinfo=UTC)
    # Due Monday 09:00, seen Friday 17:00: 7 h of Friday plus 9 h of Monday.
    assert sla_state(monday_9, "UTC", now=friday_17) == ("high", "16 h left")
    assert sla_state(friday_17, "UTC", now=monday_9) == ("failed", "overdue by 16 h")
    assert sla_state(monday_9, "UTC", now=monday_9 - timedelta(hours=3))[0] == "medium"
