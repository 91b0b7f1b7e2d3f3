from datetime import date
from decimal import Decimal

import pytest

from prm.exchange.models import ExchangeRate
from prm.exchange.rates import Converted, convert, rates_on, to_tenant_currency

pytestmark = pytest.mark.django_db


def _rate(tenant, currency, rate, day):
    return ExchangeRate.objects.create(
        tenant=tenant, currency=currency, rate=Decimal(rate), valid_from=day
    )


def test_rates_on_picks_the_rate_in_force_on_the_day(in_ours):
    tenant = in_ours.tenant
    _rate(tenant, "GBP", "1.10", date(2020, 3, 1))
    _rate(tenant, "GBP", "1.20", date(2020, 6, 1))
    _rate(tenant, "CHF", "0.95", date(2020, 4, 1))

    assert "GBP" not in rates_on(tenant, date(2020, 2, 29))  # before the first rate
    assert rates_on(tenant, date(2020, 3, 1))["GBP"] == Decimal("1.10")  # on its first day
    assert rates_on(tenant, date(2020, 5, 31))["GBP"] == Decimal("1.10")
    assert rates_on(tenant, date(2020, 6, 1))["GBP"] == Decimal("1.20")  # the later one
    assert rates_on(tenant, date(2021, 1, 1)) == {
        "GBP": Decimal("1.20"),
        "CHF": Decimal("0.95"),
        "EUR": Decimal(1),
    }


def test_the_default_currency_is_always_one(in_ours):
    assert in_ours.tenant.default_currency == "EUR"
    assert rates_on(in_ours.tenant, date(2000, 1, 1)) == {"EUR": Decimal(1)}


def test_rates_on_is_one_query(in_ours, django_assert_num_queries):
    for month in range(1, 7):
        _rate(in_ours.tenant, "GBP", "1.1", date(2020, month, 1))
        _rate(in_ours.tenant, "CHF", "0.9", date(2020, month, 1))
    with django_assert_num_queries(1):
        found = rates_on(in_ours.tenant, date(2020, 4, 15))
    assert found["GBP"] == Decimal("1.1")
    assert found["CHF"] == Decimal("0.9")


def test_another_tenants_rates_are_not_used(in_ours, theirs):
    from django_scopes import scope

    with scope(tenant=theirs.tenant):
        _rate(theirs.tenant, "GBP", "1.5", date(2020, 1, 1))
    assert "GBP" not in rates_on(in_ours.tenant, date(2020, 6, 1))


def test_conversion_quantizes_once_and_reports_missing_currencies():
    rates = {"EUR": Decimal(1), "USD": Decimal("0.33333333"), "GBP": Decimal("1.005")}
    # 2 USD = 0.66666666 and 3 GBP = 3.015: 3.68166666 in all, rounded once to 3.68 (rounding
    # each currency first would give 0.67 + 3.02 = 3.69). CHF has no rate: left out.
    found = convert({"USD": Decimal(2), "GBP": Decimal(3), "CHF": Decimal(5)}, rates, "EUR")
    assert found == Converted(Decimal("3.68"), "EUR", ("CHF",))
    assert found.partial
    assert found.amount != Decimal("0.67") + Decimal("3.02")


def test_a_currency_without_a_rate_and_no_amount_is_not_missing():
    found = convert({"EUR": Decimal("10.005"), "CHF": Decimal(0)}, {"EUR": Decimal(1)}, "EUR")
    assert found == Converted(Decimal("10.01"), "EUR", ())
    assert not found.partial


def test_to_tenant_currency_uses_the_rates_of_the_day(in_ours):
    tenant = in_ours.tenant
    _rate(tenant, "GBP", "1.2", date(2020, 1, 1))
    _rate(tenant, "GBP", "1.1", date(2020, 7, 1))
    amounts = {"EUR": Decimal("100"), "GBP": Decimal("100"), "CHF": Decimal("1")}

    assert to_tenant_currency(tenant, amounts, on=date(2020, 6, 30)) == Converted(
        Decimal("220.00"), "EUR", ("CHF",)
    )
    assert to_tenant_currency(tenant, amounts, on=date(2020, 7, 1)).amount == Decimal("210.00")
    assert to_tenant_currency(tenant, amounts, on=date(2019, 1, 1)).missing == ("CHF", "GBP")


def test_a_rate_must_be_positive_in_the_database(in_ours):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        _rate(in_ours.tenant, "GBP", "0", date(2020, 1, 1))
