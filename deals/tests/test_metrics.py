"""The deals money metrics in the tenant's currency: per partner and currency in one query,
converted at the rates in force on the period's last day; a currency without a rate is left
out."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.exchange.models import ExchangeRate
from prm.metrics.periods import Period
from prm.metrics.registry import get

pytestmark = pytest.mark.django_db

Q1 = Period(date(2020, 1, 1), date(2020, 3, 31))
Q2 = Period(date(2020, 4, 1), date(2020, 6, 30))


def _won(world, partner, amount, currency, closed_on):
    submitted = datetime(closed_on.year, closed_on.month, 1, 12, tzinfo=ZoneInfo("UTC"))
    return DealFactory(
        partner=partner,
        owner=world.members["partner_rep"],
        status=Deal.Status.WON,
        amount=Decimal(amount),
        won_amount=Decimal(amount),
        currency=currency,
        closed_on=closed_on,
        submitted_at=submitted,
    )


def _rate(world, currency, rate, day):
    ExchangeRate.objects.create(
        tenant=world.tenant, currency=currency, rate=Decimal(rate), valid_from=day
    )


def _value(world, name, period, partner=None):
    partner = partner or world.partner
    return get(name).for_partners(world.tenant, period, [partner.pk])[partner.pk]


def test_revenue_won_converts_each_currency_at_the_rate_of_the_periods_last_day(world):
    _won(world, world.partner, "1000.00", "EUR", date(2020, 2, 10))
    _won(world, world.partner, "1000.00", "USD", date(2020, 3, 10))
    _won(world, world.partner, "333.33", "USD", date(2020, 3, 11))
    _rate(world, "USD", "0.80", date(2020, 1, 1))
    _rate(world, "USD", "0.90", date(2020, 3, 31))  # in force on the last day: this one
    _rate(world, "USD", "0.99", date(2020, 4, 1))  # after the period: not used

    # 1000 + (1000 + 333.33) x 0.9 = 1000 + 1199.997 -> 2200.00, rounded once
    assert _value(world, "deals.revenue_won", Q1) == Decimal("2200.00")
    assert _value(world, "deals.pipeline_registered", Q1) == Decimal("2200.00")


def test_a_currency_without_a_rate_is_left_out(world):
    _won(world, world.partner, "1000.00", "EUR", date(2020, 2, 10))
    _won(world, world.partner, "5000.00", "GBP", date(2020, 2, 11))
    _rate(world, "GBP", "1.15", date(2020, 4, 1))  # only from the next quarter

    assert _value(world, "deals.revenue_won", Q1) == Decimal("1000.00")
    # a partner whose only deals lack a rate has nothing in the tenant's currency
    other = world.other_partner
    _won(world, other, "700.00", "CHF", date(2020, 2, 12))
    assert _value(world, "deals.revenue_won", Q1, other) == 0


def test_the_rate_of_a_later_period_applies_to_that_period(world):
    _won(world, world.partner, "100.00", "GBP", date(2020, 5, 1))
    _rate(world, "GBP", "1.15", date(2020, 4, 1))
    assert _value(world, "deals.revenue_won", Q2) == Decimal("115.00")
    assert _value(world, "deals.revenue_won", Q1) == 0


def test_money_metrics_are_one_query_and_the_rates_whatever_the_currencies(
    world, django_assert_num_queries
):
    for currency in ("EUR", "USD", "GBP", "CHF"):
        _won(world, world.partner, "10.00", currency, date(2020, 2, 1))
        _won(world, world.other_partner, "10.00", currency, date(2020, 2, 1))
        if currency != "EUR":
            _rate(world, currency, "2", date(2020, 1, 1))
    ids = [world.partner.pk, world.other_partner.pk]
    for name in ("deals.revenue_won", "deals.pipeline_registered"):
        with django_assert_num_queries(2):
            values = get(name).for_partners(world.tenant, Q1, ids)
        assert values == {pk: Decimal("70.00") for pk in ids}


def test_the_descriptions_say_how_currencies_are_counted():
    for name in ("deals.revenue_won", "deals.pipeline_registered"):
        description = str(get(name).description)
        assert "at the rates in force on the period's last day" in description
        assert "currencies without a rate are left out" in description
