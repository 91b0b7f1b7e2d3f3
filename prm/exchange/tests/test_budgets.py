"""The exchange-rates page costs the same number of queries whatever the number of rates."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.exchange.models import ExchangeRate
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 2, 60
pytestmark = pytest.mark.xdist_group("budgets-exchange")

PAGES = [
    # the session, membership and tenant (~5), then the page's own reads: the rates in force
    # (DISTINCT ON), the scheduled ones, the history's count and its page (who entered each
    # joined in)
    ("/admin/exchange-rates/", Role.PARTNER_OPS, 10),
    ("/admin/exchange-rates/", Role.CAM, 10),
    ("/admin/exchange-rates/?currency=GBP", Role.PROGRAM_LEADER, 10),
]


def grow(world, start: int, end: int) -> None:
    """Per step: a past rate of GBP, CHF and JPY (a week apart), and one scheduled GBP rate."""
    tenant = world.tenant
    today = timezone.localdate()
    ops = world.members[Role.PARTNER_OPS].user
    with scope(tenant=tenant):
        for i in range(start, end):
            for code in ("GBP", "CHF", "JPY"):
                ExchangeRate.objects.create(
                    tenant=tenant,
                    currency=code,
                    rate="1.1",
                    valid_from=today - timedelta(days=7 * (i + 1)),
                    created_by=ops,
                )
            ExchangeRate.objects.create(
                tenant=tenant, currency="GBP", rate="1.2", valid_from=today + timedelta(days=i + 1)
            )


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def measure() -> dict:
            return count_all(PAGES, lambda p: page_queries(clients[p[1]], p[0]))

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_the_rates_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role, budget)], budget)
