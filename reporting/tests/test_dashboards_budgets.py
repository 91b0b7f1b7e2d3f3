"""The dashboards, the list behind a figure and their CSV files cost the same number of queries
whatever the number of partners, registrations and months of history.

What a page costs: the session, membership and tenant (~5), the filter options (types, tiers,
segments: three), the CAMs a leader may pick (one), then for a dashboard one query per row source
the engine reads for the tiles, the funnel and their twelve months (registrations submitted,
closed (two: money sums and the median), decided, approved, first registrations, partners,
partner users, enrolments, certifications, MDF allocations and campaigns, commission lines
earned and paid), one more for each of the three sources whose median the period asks besides
its months (the months come grouped by month; a quarter's median is not a sum of its months'),
and the exchange rates, the partners of the scope with their groups (one), the
breakdowns and top partners (registrations submitted and closed, and the rates: three), and for
a CAM the quiet partners (one) and three lists. The list behind a figure: the partners (one),
the metric's row source (one or two) and the rates. Direct aggregates, no rollups: the issue's
"≤ 10 queries" for the program dashboard does not hold (31).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from tests.budgets import (
    Clients,
    assert_budget,
    at_two_sizes,
    count_all,
    export_queries,
    page_queries,
    rolled_back,
)

SMALL, LARGE = 2, 7
pytestmark = pytest.mark.xdist_group("budgets-reporting-dashboards")

PAGES = [
    ("/admin/reporting/program/", Role.PROGRAM_LEADER, 32),
    ("/admin/reporting/program/?span=year&compare=year&region=emea", Role.PARTNER_OPS, 32),
    ("/admin/reporting/cam/", Role.CAM, 35),
    ("/admin/reporting/cam/?cam={cam}", Role.PROGRAM_LEADER, 36),
    ("/admin/reporting/metrics/deals.win_rate/", Role.PROGRAM_LEADER, 11),
    ("/admin/reporting/metrics/deals.revenue_won/", Role.CAM, 11),
]
EXPORTS = [
    ("/admin/reporting/program.csv?table=top", Role.PROGRAM_LEADER, 31),
    ("/admin/reporting/cam.csv?table=tiles", Role.CAM, 34),
    ("/admin/reporting/metrics/deals.revenue_won.csv", Role.PROGRAM_LEADER, 11),
]


def grow(world, start: int, end: int) -> None:
    """Per step: a partner (assigned to the CAM every other time) with a registration won a
    month ago, one submitted this week and one approved that expires in three days."""
    tenant = world.tenant
    cam = world.members[Role.CAM]
    now = timezone.now()
    with scope(tenant=tenant):
        for i in range(start, end):
            partner = PartnerFactory(tenant=tenant, name=f"Grown partner {i}", region="emea")
            if i % 2:
                assign_perm(MANAGE_PARTNER, cam.user, partner)
            won = DealFactory(partner=partner, currency=tenant.default_currency)
            Deal.objects.filter(pk=won.pk).update(
                status=Deal.Status.WON,
                submitted_at=now - timedelta(days=60),
                closed_on=(now - timedelta(days=30)).date(),
                won_amount=Decimal("1000"),
            )
            late = DealFactory(partner=partner, currency=tenant.default_currency)
            Deal.objects.filter(pk=late.pk).update(
                status=Deal.Status.SUBMITTED,
                submitted_at=now - timedelta(days=3),
                sla_due_at=now - timedelta(days=1),
            )
            soon = DealFactory(partner=partner, currency=tenant.default_currency)
            Deal.objects.filter(pk=soon.pk).update(
                status=Deal.Status.APPROVED,
                submitted_at=now - timedelta(days=20),
                approved_at=now - timedelta(days=19),
                expires_at=now + timedelta(days=3),
            )


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        values = {"cam": world.members[Role.CAM].pk}

        def measure() -> dict:
            pages = count_all(
                [(u, r) for u, r, _b in PAGES],
                lambda p: page_queries(clients[p[1]], p[0].format(**values)),
            )
            exports = count_all(
                [(u, r) for u, r, _b in EXPORTS],
                lambda p: export_queries(clients[p[1]], p[0].format(**values)),
            )
            return pages | exports

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "budget"), PAGES + EXPORTS, ids=[f"{p[0]}-{p[1]}" for p in PAGES + EXPORTS]
)
def test_reporting_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
