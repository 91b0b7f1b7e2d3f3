"""The MDF metrics: per partner, over the funds of a period, in the tenant's currency, one query
for all partners."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import Deal
from mdf.models import CampaignDeal
from mdf.tests.factories import allocation_row, fund_row
from prm.exchange.models import ExchangeRate
from prm.metrics.periods import Period, quarter_of, year_of
from prm.metrics.registry import format_value, get

pytestmark = pytest.mark.django_db


def _values(world, name, period):
    ids = [world.partner.pk, world.other_partner.pk]
    values = get(name).for_partners(world.tenant, period, ids)
    return values[world.partner.pk], values[world.other_partner.pk]


def test_money_metrics_sum_the_allocations_of_the_periods_funds(in_ours):
    quarter = quarter_of(timezone.localdate())
    # partner A: 20,000 allocated, 5,000 committed and 2,000 claimed; partner B: 5,000 committed
    assert _values(in_ours, "mdf.allocated", quarter) == (Decimal("20000"), Decimal("20000"))
    assert _values(in_ours, "mdf.committed", quarter) == (Decimal("7000"), Decimal("5000"))
    assert _values(in_ours, "mdf.reimbursed", quarter) == (0, 0)
    assert _values(in_ours, "mdf.utilisation", quarter) == (Decimal("35.0"), Decimal("25.0"))


def test_a_year_counts_its_quarters_funds_and_another_year_none(in_ours):
    today = timezone.localdate()
    assert _values(in_ours, "mdf.allocated", year_of(today))[0] == Decimal("20000")
    earlier = Period(date(today.year - 2, 1, 1), date(today.year - 2, 12, 31))
    assert _values(in_ours, "mdf.allocated", earlier) == (0, 0)
    assert _values(in_ours, "mdf.utilisation", earlier) == (0, 0)


def test_a_fund_in_another_currency_counts_at_the_rate_of_the_periods_last_day(in_ours):
    fund = fund_row(in_ours.tenant, "Dollar fund", currency="USD")
    allocation_row(fund, in_ours.partner, "5000")
    quarter = quarter_of(timezone.localdate())
    ExchangeRate.objects.filter(tenant=in_ours.tenant, currency="USD").delete()
    # no rate: left out, never added unconverted
    assert _values(in_ours, "mdf.allocated", quarter)[0] == Decimal("20000")
    assert in_ours.tenant.default_currency != "USD"
    ExchangeRate.objects.create(
        tenant=in_ours.tenant, currency="USD", rate=Decimal("0.9"), valid_from=quarter.start
    )
    assert _values(in_ours, "mdf.allocated", quarter)[0] == Decimal("24500.00")


def test_roi_is_revenue_of_linked_won_deals_over_spend(in_ours):
    request = in_ours.due_claim.request  # its claim approved for 2,000
    Deal.objects.filter(pk=in_ours.approved_deal.pk).update(
        status=Deal.Status.WON, holds_claim=False, won_amount=Decimal("9000"),
        currency=request.currency,
    )  # fmt: skip
    CampaignDeal.objects.create(tenant=in_ours.tenant, request=request, deal=in_ours.approved_deal)
    quarter = quarter_of(timezone.localdate())
    assert _values(in_ours, "mdf.roi", quarter) == (Decimal("4.50"), 0)
    assert format_value(Decimal("4.50"), "ratio", currency="EUR") == "4.5×"


def test_each_metric_reads_all_partners_at_once(in_ours, django_assert_num_queries):
    quarter = quarter_of(timezone.localdate())
    # the sums per partner and currency, and the exchange rates of the period's last day
    for name in ("mdf.allocated", "mdf.committed", "mdf.utilisation", "mdf.roi"):
        with django_assert_num_queries(2):
            _values(in_ours, name, quarter)
