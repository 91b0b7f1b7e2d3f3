"""What each new KPI means, on partners added to the "ours" world, and what the engine costs.

The rows are placed in March 2024, a month the world has nothing in, with figures worked out
by hand in the tests' docstrings.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.accounts.models import SignInDay
from prm.accounts.tests.factories import PASSWORD
from prm.metrics import registry
from prm.metrics.engine import ALL, BY_PARTNER, BY_TIER, PROGRAM, by_map, evaluate
from prm.metrics.periods import Period, month_of, months_in
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import HostClient

pytestmark = pytest.mark.django_db

S = Deal.Status
MARCH = month_of(date(2024, 3, 1))


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _deal(partner, **fields) -> Deal:
    """A registration with the given history (back-dated: the services stamp now)."""
    return DealFactory(partner=partner, currency=partner.tenant.default_currency, **fields)


def _value(world, name, partners, period=MARCH, by=PROGRAM, key=ALL):
    with scope(tenant=world.tenant):
        table = evaluate(world.tenant, [registry.get(name)], [period], partners=partners, by=by)
    return table.get(name, period, key)


def test_average_deal_size_days_to_close_and_win_rate(ours):
    """Won in March: 1,000 (10 days), 3,000 (29 days), 2,000 (28 days); lost: one. Average
    deal size 6,000 / 3 = 2,000.00; days to close the median of 10, 28, 29 = 28; win rate
    3 of 4 closed = 75.0%. A deal won in April counts in none of them."""
    with scope(tenant=ours.tenant):
        partner = PartnerFactory(tenant=ours.tenant)
        for submitted, closed, status, won in [
            (date(2024, 3, 1), date(2024, 3, 11), S.WON, "1000"),
            (date(2024, 2, 20), date(2024, 3, 20), S.WON, "3000"),
            (date(2024, 3, 2), date(2024, 3, 30), S.WON, "2000"),
            (date(2024, 3, 3), date(2024, 3, 5), S.LOST, None),
            (date(2024, 3, 3), date(2024, 4, 2), S.WON, "9000"),
        ]:
            _deal(
                partner,
                status=status,
                submitted_at=_at(submitted),
                closed_on=closed,
                won_amount=won and Decimal(won),
            )
    ids = [partner.pk]
    assert _value(ours, "deals.average_deal_size", ids) == Decimal("2000.00")
    assert _value(ours, "deals.days_to_close", ids) == Decimal(28)
    assert _value(ours, "deals.win_rate", ids) == Decimal("75.0")
    assert _value(ours, "deals.revenue_won", ids) == Decimal("6000.00")


def test_decision_hours_is_the_median_and_sla_attainment_counts_decisions_due(ours):
    """Decided in March after 4, 10, 30 and 50 business hours: median 20.0. Of the four with a
    due time three were decided by it: 75.0%; a decision without a due time is not counted, nor
    one decided in February."""
    with scope(tenant=ours.tenant):
        partner = PartnerFactory(tenant=ours.tenant)
        for decided_day, hours, late in [
            (5, "4", False),
            (6, "10", False),
            (7, "30", True),
            (8, "50", False),
        ]:
            decided = _at(date(2024, 3, decided_day))
            due = decided + timedelta(hours=-1 if late else 1)
            _deal(
                partner,
                status=S.APPROVED,
                submitted_at=decided - timedelta(days=2),
                decided_at=decided,
                approved_at=decided,
                sla_due_at=due,
                decision_hours=Decimal(hours),
            )
        _deal(
            partner,
            status=S.REJECTED,
            submitted_at=_at(date(2024, 3, 1)),
            decided_at=_at(date(2024, 3, 9)),
            sla_due_at=None,
            decision_hours=None,
        )
        _deal(
            partner,
            status=S.APPROVED,
            submitted_at=_at(date(2024, 2, 1)),
            decided_at=_at(date(2024, 2, 20)),
            sla_due_at=_at(date(2024, 2, 1)),
            decision_hours=Decimal(500),
        )
    ids = [partner.pk]
    assert _value(ours, "deals.decision_hours", ids) == Decimal("20.0")
    assert _value(ours, "deals.sla_attainment", ids) == Decimal("75.0")
    assert _value(ours, "deals.approved", ids) == 4


def test_time_to_first_deal_is_the_median_over_partners_whose_first_deal_fell_in_the_period(ours):
    """P joined on 1 January 2024 and registered first on 1 March (60 days: a leap year); Q
    joined on 1 February and registered first on 2 March (30 days). R's first registration was
    in February: not March's. The program's figure for March is the median, 45.0 days."""
    with scope(tenant=ours.tenant):
        p = PartnerFactory(tenant=ours.tenant, joined_on=date(2024, 1, 1))
        q = PartnerFactory(tenant=ours.tenant, joined_on=date(2024, 2, 1))
        r = PartnerFactory(tenant=ours.tenant, joined_on=date(2023, 6, 1))
        _deal(p, status=S.SUBMITTED, submitted_at=_at(date(2024, 3, 1)))
        _deal(p, status=S.SUBMITTED, submitted_at=_at(date(2024, 3, 20)))
        _deal(q, status=S.SUBMITTED, submitted_at=_at(date(2024, 3, 2)))
        _deal(r, status=S.SUBMITTED, submitted_at=_at(date(2024, 2, 25)))
        _deal(r, status=S.SUBMITTED, submitted_at=_at(date(2024, 3, 5)))
    ids = [p.pk, q.pk, r.pk]
    assert _value(ours, "deals.time_to_first_deal", ids) == Decimal("45.0")
    assert _value(ours, "deals.time_to_first_deal", ids, by=BY_PARTNER, key=p.pk) == 60
    assert _value(ours, "deals.time_to_first_deal", ids, by=BY_PARTNER, key=r.pk) is None


def _member(partner, role=Role.PARTNER_REP, *, since=date(2024, 1, 1), left=None):
    membership = partner_membership(partner, role)
    Membership.objects.filter(pk=membership.pk).update(
        created_at=_at(since),
        is_active=left is None,
        deactivated_at=left and _at(left),
    )
    return membership


def _signed_in(membership, *days):
    SignInDay.objects.bulk_create(
        [SignInDay(tenant=membership.tenant, membership=membership, day=day) for day in days]
    )


def test_active_partners_counts_a_partner_with_a_deal_or_a_sign_in(ours):
    """In March: P registered a deal, R's user signed in, S did neither (S's user signed in in
    April): 2 active partners; each partner's own figure is 1 or 0."""
    with scope(tenant=ours.tenant):
        p, r, s = (PartnerFactory(tenant=ours.tenant) for _ in range(3))
        _deal(p, status=S.SUBMITTED, submitted_at=_at(date(2024, 3, 31), 23))
        _signed_in(_member(r), date(2024, 3, 1))
        _signed_in(_member(s), date(2024, 4, 1))
    ids = [p.pk, r.pk, s.pk]
    assert _value(ours, "deals.active_partners", ids) == 2
    with scope(tenant=ours.tenant):
        each = registry.get("deals.active_partners").for_partners(ours.tenant, MARCH, ids)
    assert each == {p.pk: 1, r.pk: 1, s.pk: 0}


def test_monthly_active_rate_is_signed_in_users_over_users_and_rolls_up_as_a_ratio_of_sums(ours):
    """Company R: u1 signed in twice in March, u2 only in February, u3 left in February (not a
    member in March), u4 left on 15 March after signing in: 2 of 3 members = 66.7%. Company T:
    its one user signed in: 100%. Together 3 of 4 = 75.0%, not the average of 66.7 and 100."""
    with scope(tenant=ours.tenant):
        r, t = PartnerFactory(tenant=ours.tenant), PartnerFactory(tenant=ours.tenant)
        _signed_in(_member(r, Role.PARTNER_ADMIN), date(2024, 3, 4), date(2024, 3, 5))
        _signed_in(_member(r), date(2024, 2, 4))
        _signed_in(_member(r, left=date(2024, 2, 10)), date(2024, 2, 4))
        _signed_in(_member(r, left=date(2024, 3, 15)), date(2024, 3, 14))
        _member(r, since=date(2024, 4, 2))  # joined after March
        _signed_in(_member(t), date(2024, 3, 31))
    rate = "partners.monthly_active_rate"
    assert _value(ours, rate, [r.pk]) == Decimal("66.7")
    assert _value(ours, rate, [t.pk]) == Decimal("100.0")
    assert _value(ours, rate, [r.pk, t.pk]) == Decimal("75.0")
    both = by_map("both", {r.pk: ["x"], t.pk: ["x"]})
    assert _value(ours, rate, [r.pk, t.pk], by=both, key="x") == Decimal("75.0")


def test_signing_in_records_the_day_once_however_often(ours):
    """The allauth adapter's `login` notes today for the member's tenant: two sign-ins the same
    day make one row, on this tenant only."""
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        assert not SignInDay.objects.filter(membership=rep).exists()
    for _ in range(2):
        client = HostClient(ours.host)
        response = client.post("/accounts/login/", {"login": rep.user.email, "password": PASSWORD})
        assert response.status_code == 302
        client.post("/accounts/logout/")
    with scope(tenant=ours.tenant):
        days = SignInDay.objects.filter(membership=rep)
        assert list(days.values_list("day", flat=True)) == [timezone.localdate()]
        assert days.get().tenant_id == ours.tenant.pk


def test_a_failed_sign_in_records_nothing(ours):
    rep = ours.members[Role.PARTNER_REP]
    HostClient(ours.host).post("/accounts/login/", {"login": rep.user.email, "password": "x"})
    with scope(tenant=ours.tenant):
        assert not SignInDay.objects.filter(membership=rep).exists()


def _queries_of(world, metrics, periods, by):
    with scope(tenant=world.tenant), CaptureQueriesContext(connection) as seen:
        evaluate(world.tenant, metrics, periods, by=by)
    return len(seen.captured_queries)


def test_the_engine_costs_one_query_per_rows_whatever_the_periods_and_groups(ours):
    """Every deals metric (four row sources; the closed deals' money sums and their median are
    two queries, as the engine documents) plus one for the rates: the same for one month or
    twelve monthly buckets, for the program, per tier or in overlapping groups."""
    deals = [m for m in registry.all_metrics() if m.name.startswith("deals.")]
    sources = {m.rows for m in deals}
    closed_split = 1  # CLOSED mixes money sums with a median
    expected = len(sources) + closed_split + 1
    year = Period(date(2024, 1, 1), date(2024, 12, 31))
    partners = {ours.partner.pk: ["a", "b"], ours.other_partner.pk: ["b"]}
    for periods in ([MARCH], months_in(year)):
        for by in (PROGRAM, BY_PARTNER, BY_TIER, by_map("segment", partners)):
            assert _queries_of(ours, deals, periods, by) == expected, (len(periods), by.name)
    # one metric of one source, without money: one query
    win_rate = registry.get("deals.win_rate")
    assert _queries_of(ours, [win_rate], months_in(year), BY_TIER) == 1
    # a dashboard's quarter with its months: the quarter's medians (not a sum of months) take one
    # more query per source with a median; its sums still come from the monthly buckets
    with_median = {m.rows for m in deals if m.rollup == "median"}
    quarter = Period(date(2024, 1, 1), date(2024, 3, 31))
    both = [quarter, *months_in(year)]
    assert _queries_of(ours, deals, both, PROGRAM) == expected + len(with_median)
    assert _queries_of(ours, [win_rate], both, PROGRAM) == 1
