"""The one formatter for money, dates and figures (prm.money, prm.dates, prm.figures,
prm_formats), and Django's own date formats made to read the same."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

from prm.dates import format_day, format_moment
from prm.figures import format_number, format_percent
from prm.metrics.registry import format_value
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


def test_counts_stored_as_decimals_are_shown_without_their_zeros():
    with translation.override("en"):
        assert format_number(Decimal("6.00")) == "6"
        assert format_number(Decimal("5000")) == "5,000"  # not 5E+3
        assert format_number(Decimal("5E+3")) == "5,000"
        assert format_number(Decimal("2.50")) == "2.5"
        assert format_number(12) == "12"
    with translation.override("de"):
        assert format_number(Decimal("12345.50")) == "12.345,5"
    assert format_number(None) == "—"


def test_percentages_follow_the_language():
    with translation.override("en"):
        assert format_percent(Decimal("15.00")) == "15%"
        assert format_percent(Decimal("12.50")) == "12.5%"
    with translation.override("de"):
        assert format_percent(Decimal("15.00")) == "15\xa0%"
    assert format_percent(None) == "—"


def test_a_metric_value_is_shown_in_its_unit():
    with translation.override("en"):
        assert format_value(Decimal("6.00"), "count", currency="USD") == "6"
        assert format_value(Decimal("40000.00"), "money", currency="USD") == "$40,000.00"
        assert format_value(Decimal("42.5"), "percent", currency="USD") == "42.5%"
        assert format_value(None, "count", currency="USD") == "—"


def test_number_and_percent_filters_use_the_same_formatter():
    template = Template("{% load prm_formats %}{{ n|number }} users · {{ p|percent }}")
    with translation.override("en"):
        html = template.render(Context({"n": Decimal("6.00"), "p": Decimal("15.00")}))
    assert html == "6 users · 15%"


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_django_formats_by_itself_read_like_the_formatter_in_english(month):
    """The admin UI's columns and read-only fields, and `|date`, are Django's own formatting."""
    moment = datetime(2026, month, 6, 14, 5, tzinfo=UTC)
    with translation.override("en"), timezone.override("UTC"):
        assert date_format(moment, "DATE_FORMAT") == format_day(moment)
        assert date_format(timezone.localtime(moment), "DATETIME_FORMAT") == format_moment(moment)
        assert date_format(moment.date()) == format_day(moment)


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_djangos_own_dates_never_are_digits_alone_nor_end_in_a_period_of_the_time(language):
    moment = datetime(2026, 12, 6, 22, 5, tzinfo=UTC)
    with translation.override(language), timezone.override("UTC"):
        for name in (
            "DATE_FORMAT",
            "SHORT_DATE_FORMAT",
            "DATETIME_FORMAT",
            "SHORT_DATETIME_FORMAT",
        ):
            shown = date_format(moment, name)
            assert not re.search(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}", shown), shown
            assert not shown.endswith("."), shown  # no "p.m.." at the end of a sentence
