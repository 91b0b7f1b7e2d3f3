"""The one formatter for money and dates (prm.money.format_money, prm.dates, prm_formats)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone, translation

from prm.dates import format_day, format_moment
from prm.money import format_money


def test_money_has_the_currencys_symbol_and_minor_unit_in_the_active_language():
    with translation.override("en"):
        assert format_money(Decimal("42000"), "USD") == "$42,000.00"
        assert format_money(Decimal("1234567.5"), "JPY") == "¥1,234,568"  # no minor unit
        assert format_money(Decimal("1.005"), "eur") == "€1.01"  # half-up, once
    with translation.override("de"):
        assert format_money(Decimal("48000.5"), "EUR") == "48.000,50\xa0€"
    assert format_money(None, "EUR") == "—"


def test_a_day_names_its_month_so_nobody_reads_it_the_wrong_way_round():
    with translation.override("en"):
        assert format_day(date(2026, 3, 6)) == "Mar 6, 2026"
    with translation.override("de"):
        assert format_day(date(2026, 3, 6)) == "6. März 2026"
    assert format_day(None) == "—"


def test_a_moment_is_shown_in_the_active_time_zone():
    late = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    with translation.override("de"), timezone.override("Europe/Berlin"):
        assert format_moment(late) == "7. Dez. 2026, 00:30"
        assert format_day(late) == "7. Dez. 2026"  # the local day, not UTC's


def test_templates_use_the_same_formatter():
    template = Template("{% load prm_formats %}{{ a|money:c }} · {{ d|day }} · {{ n|money:c }}")
    with translation.override("en"):
        html = template.render(
            Context({"a": Decimal("9.5"), "c": "GBP", "d": date(2027, 1, 2), "n": None})
        )
    assert html == "£9.50 · Jan 2, 2027 · —"
