"""The metric `commissions.incentives_paid`: SPIF and tier-bonus lines paid in the period, per
partner, in the tenant's currency at the rates of the period's last day (a currency without a
rate left out), in a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissions.models import Line, Statement
from commissions.tests.factories import line_row, statement_row
from prm.metrics import registry
from prm.metrics.periods import month_of

pytestmark = pytest.mark.django_db


def test_incentives_paid_counts_paid_spifs_and_bonuses_converted(in_ours):
    tenant = in_ours.tenant
    foreign = in_ours.exchange_rate.currency  # rate 0.9 into the tenant's currency
    today = timezone.localdate()
    period = month_of(today)
    paid = [
        line_row(in_ours.partner, "500", source=Line.Source.SPIF),
        line_row(in_ours.partner, "1000", source=Line.Source.TIER_BONUS),
        line_row(in_ours.partner, "100", source=Line.Source.SPIF, currency=foreign),
        line_row(in_ours.partner, "7", source=Line.Source.SPIF, currency="JPY"),  # no rate
        line_row(in_ours.partner, "9000", source=Line.Source.ADJUSTMENT),  # not an incentive
    ]
    statement_row(in_ours.partner, period, paid, status=Statement.Status.PAID, paid_on=period.start)
    # a SPIF approved but not paid, and one paid last month, do not count
    line_row(in_ours.partner, "300", source=Line.Source.SPIF)
    earlier = month_of(month_of(period.start - timedelta(days=1)).start - timedelta(days=1))
    old = line_row(in_ours.other_partner, "250", source=Line.Source.SPIF)
    statement_row(
        in_ours.other_partner, earlier, [old], status=Statement.Status.PAID, paid_on=earlier.end
    )
    metric = registry.get("commissions.incentives_paid")
    with CaptureQueriesContext(connection) as ctx:
        values = metric.for_partners(tenant, period, [in_ours.partner.pk, in_ours.other_partner.pk])
    assert len(ctx.captured_queries) == 2  # the sums, the rates
    assert values[in_ours.partner.pk] == Decimal("1590.00")  # 500 + 1000 + 100 x 0.9
    assert values[in_ours.other_partner.pk] == 0
    assert metric.unit == "money"
