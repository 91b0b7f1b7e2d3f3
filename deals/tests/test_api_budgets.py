"""The deals API's lists cost the same number of queries whatever the rows they carry (no N+1):
each is counted with 3 and with 30 rows on the page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal, Lead
from deals.tests.factories import DealFactory, LeadFactory, ProductFactory, ProtectedAccountFactory
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import api_client_for

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30
#: key and rate limit (2), the page (1) and its products (1 for deals)
BUDGET = 5


def grow_deals(world, n: int) -> None:
    """n registrations, each of its own partner and rep, with two products each."""
    now = timezone.now()
    for _i in range(n):
        partner = PartnerFactory(tenant=world.tenant)
        DealFactory(
            partner=partner,
            owner=partner_membership(partner, Role.PARTNER_REP),
            status=Deal.Status.APPROVED,
            approved_at=now,
            expires_at=now + timedelta(days=30),
            products=[ProductFactory(tenant=world.tenant), ProductFactory(tenant=world.tenant)],
        )


def grow_leads(world, n: int) -> None:
    """n leads, each assigned to a partner of its own, and accepted into a registration."""
    for _i in range(n):
        partner = PartnerFactory(tenant=world.tenant)
        deal = DealFactory(partner=partner)
        LeadFactory(tenant=world.tenant, partner=partner, status=Lead.Status.ACCEPTED, deal=deal)


def grow_accounts(world, n: int) -> None:
    for _i in range(n):
        ProtectedAccountFactory(tenant=world.tenant)


def queries(world, url: str, rows: int) -> int:
    client = api_client_for(world)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"limit": 200})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == rows
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/api/v1/deals/", grow_deals),
        ("/api/v1/leads/", grow_leads),
        ("/api/v1/protected-accounts/", grow_accounts),
    ],
)
def test_a_list_costs_the_same_queries_at_two_sizes(ours, url, grow):
    counts, have = [], 0
    for size in (SMALL, LARGE):
        with scope(tenant=ours.tenant):
            grow(ours, size - have)
        have = size
        counts.append(queries(ours, url, size))
    assert counts[0] == counts[1], counts
    assert counts[1] <= BUDGET, counts
