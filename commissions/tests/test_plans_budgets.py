"""The plan page (its versions), the ledger list and the recalculation preview cost the same
number of queries whatever the number of versions, lines and won deals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.accrual import deal_accrue
from commissions.models import PlanVersion, TypeRate
from commissions.tests.factories import line_row, won_deal_row
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 2, 8
pytestmark = pytest.mark.xdist_group("budgets-commissions-plans")


def _recalc_url(world) -> str:
    return f"/admin/commissions/plan/recalculate/?kind=month&day={world.won_deal.closed_on}"


PAGES = [
    # (url, role, budget): the session, membership and tenant (~5), then the page's own reads
    ("/admin/commissions/plan/", Role.PARTNER_OPS, 9),
    ("/admin/commissions/line/", Role.PARTNER_OPS, 12),
    ("/admin/commissions/line/", Role.CAM, 12),
    ("recalc", Role.PARTNER_OPS, 14),
]


def grow(world, start: int, end: int) -> None:
    """Per step: a draft version, a partner with a won deal and its line, an adjustment; and
    the reseller rate changed, so every won deal differs in the recalculation."""
    tenant = world.tenant
    rep = world.members[Role.PARTNER_REP]
    with scope(tenant=tenant):
        for i in range(start, end):
            PlanVersion.objects.create(
                tenant=tenant, plan=world.commission_plan, number=100 + i,
                effective_from=timezone.localdate() + timedelta(days=40 + i),
                currency=tenant.default_currency,
            )  # fmt: skip
            partner = PartnerFactory(
                tenant=tenant, name=f"Grown partner {i}", partner_type=world.partner_type
            )
            deal = won_deal_row(partner, rep, closed_on=world.won_deal.closed_on)
            deal_accrue(deal=deal, revision=1, actor=None)
            deal = won_deal_row(world.partner, rep, closed_on=world.won_deal.closed_on)
            deal_accrue(deal=deal, revision=1, actor=None)
            line_row(partner, "25")
        TypeRate.objects.filter(version=world.plan_version).update(rate=Decimal("11"))


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def url_of(url: str) -> str:
            return _recalc_url(world) if url == "recalc" else url

        def measure() -> dict:
            return count_all(
                [(u, r) for u, r, _b in PAGES],
                lambda p: page_queries(clients[p[1]], url_of(p[0])),
            )

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_commission_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
