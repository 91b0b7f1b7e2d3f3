"""One member's figures: `evaluate(..., member=...)` narrows every row source to the rows of
one partner user (a rep's own registrations), through the same declarations."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.metrics.engine import BY_PARTNER, evaluate
from prm.metrics.periods import Period
from prm.metrics.registry import get
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

Q1 = Period(date(2020, 1, 1), date(2020, 3, 31))


@pytest.fixture
def world(ours):
    with scope(tenant=ours.tenant):
        Deal.objects.filter(tenant=ours.tenant, submitted_at__date__lte=Q1.end).delete()
        yield ours


def _deal(owner, status, amount, closed_on=None):
    return DealFactory(
        partner=owner.partner,
        owner=owner,
        status=status,
        amount=Decimal(amount),
        won_amount=Decimal(amount) if status == Deal.Status.WON else None,
        currency=owner.tenant.default_currency,
        closed_on=closed_on,
        submitted_at=datetime(2020, 1, 15, 12, tzinfo=ZoneInfo("UTC")),
    )


def test_a_member_gets_only_their_own_rows(world):
    rep = world.members[Role.PARTNER_REP]
    admin = world.members[Role.PARTNER_ADMIN]
    _deal(rep, Deal.Status.WON, "1000.00", date(2020, 2, 1))
    _deal(rep, Deal.Status.LOST, "500.00", date(2020, 2, 2))
    _deal(admin, Deal.Status.WON, "9000.00", date(2020, 2, 3))
    names = ["deals.registered", "deals.revenue_won", "deals.win_rate"]
    metrics = [get(n) for n in names]

    mine = evaluate(world.tenant, metrics, [Q1], partners=[world.partner.pk], member=rep)
    assert mine.get("deals.registered", Q1) == 2
    assert mine.get("deals.revenue_won", Q1) == Decimal("1000.00")
    assert mine.get("deals.win_rate", Q1) == Decimal("50.0")

    company = evaluate(world.tenant, metrics, [Q1], partners=[world.partner.pk])
    assert company.get("deals.registered", Q1) == 3
    assert company.get("deals.revenue_won", Q1) == Decimal("10000.00")

    # by id too, and per partner: the member's rows are their partner's
    by_id = evaluate(world.tenant, metrics, [Q1], by=BY_PARTNER, member=admin.pk)
    assert by_id.groups("deals.registered", Q1) == {world.partner.pk: 1}


def test_rows_without_a_member_path_answer_nothing_for_a_member(world):
    rep = world.members[Role.PARTNER_REP]
    _deal(rep, Deal.Status.WON, "1000.00", date(2020, 2, 1))
    users = get("partners.active_users")
    assert not users.rows.member
    table = evaluate(world.tenant, [users, get("deals.won")], [Q1], member=rep)
    assert table.groups(users, Q1) == {}
    assert table.get("deals.won", Q1) == 1


def test_another_members_rows_are_not_counted(world):
    rep = world.members[Role.PARTNER_REP]
    _deal(world.other_partner_rep, Deal.Status.WON, "700.00", date(2020, 2, 1))
    table = evaluate(world.tenant, [get("deals.won")], [Q1], member=rep)
    assert table.get("deals.won", Q1) == 0
