"""The commissions metrics: per partner, in the tenant's currency at the period's rates (a
currency without a rate left out), one grouped query and the rates' for all partners."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissions import ledger
from commissions.models import Line, Statement
from commissions.tests.factories import line_row, won_deal_row
from prm.metrics.periods import Period
from prm.metrics.registry import get
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def values(world, name, period):
    ids = [world.partner.pk, world.other_partner.pk]
    found = get(name).for_partners(world.tenant, period, ids)
    return found[world.partner.pk], found[world.other_partner.pk]


def since(day: date) -> Period:
    return Period(day, timezone.localdate())


def foreign(world) -> str:
    """The world's currency with a rate (0.9 to the tenant's)."""
    return world.exchange_rate.currency


def test_earned_counts_deal_lines_net_of_reversals_in_the_tenant_s_currency(
    in_ours, django_assert_num_queries
):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    period = since(world.line.earned_on)
    deal = won_deal_row(world.partner, rep, amount="1000", currency=foreign(world))
    line_row(world.partner, "100", currency=foreign(world), source=Line.Source.DEAL, deal=deal)
    no_rate = won_deal_row(world.partner, rep, amount="1000", currency="JPY")
    line_row(world.partner, "5000", currency="JPY", source=Line.Source.DEAL, deal=no_rate)
    line_row(world.partner, "999")  # an adjustment: not commission earned
    with django_assert_num_queries(2):
        a, b = values(world, "commissions.earned", period)
    assert a == world.line.amount + Decimal("90.00")
    assert b == world.other_line.amount
    ledger.reverse(line=world.line, actor=None, reason="Reopened")
    assert values(world, "commissions.earned", period)[0] == Decimal("90.00")


def test_a_period_before_the_lines_earned_nothing(in_ours):
    world = in_ours
    earlier = Period(date(2000, 1, 1), date(2000, 3, 31))
    assert values(world, "commissions.earned", earlier) == (0, 0)
    assert values(world, "commissions.paid", earlier) == (0, 0)


def test_paid_counts_the_lines_of_statements_paid_in_the_period(in_ours):
    world = in_ours
    today = timezone.localdate()
    period = Period(today - timedelta(days=10), today)
    assert values(world, "commissions.paid", period) == (0, 0)  # approved, not paid yet
    Statement.objects.filter(pk=world.statement.pk).update(
        status=Statement.Status.PAID, paid_on=today, payment_reference="PAY-1"
    )
    Line.objects.filter(statement=world.statement).update(state=Line.State.PAID)
    assert values(world, "commissions.paid", period) == (Decimal("1200.00"), 0)
    before = Period(today - timedelta(days=60), today - timedelta(days=30))
    assert values(world, "commissions.paid", before) == (0, 0)
