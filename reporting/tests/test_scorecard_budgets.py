"""The scorecard costs the same number of queries whatever the data (no N+1): a partner admin's
(the tier's partners, their deals, the company's twelve months) and a rep's (their own rows)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 5, 25
pytestmark = pytest.mark.xdist_group("budgets-reporting-scorecard")


def grow(world, n: int, start: int) -> None:
    """n more partners of partner A's tier, each with a rep and a won deal, and n more won,
    approved and submitted deals of partner A's admin and rep over the last year."""
    now = timezone.now()
    with scope(tenant=world.tenant):
        if world.partner.tier_id is None:
            world.partner.tier = world.tier
            world.partner.save(update_fields=["tier"])
        owners = [world.members[Role.PARTNER_ADMIN], world.members[Role.PARTNER_REP]]
        for i in range(start, start + n):
            other = PartnerFactory(tenant=world.tenant, tier=world.tier)
            rep = partner_membership(other)
            for partner, owner in [(other, rep), (world.partner, owners[i % 2])]:
                days = (i * 17) % 360
                DealFactory(
                    partner=partner,
                    owner=owner,
                    status=[Deal.Status.WON, Deal.Status.LOST][i % 2],
                    amount=Decimal(1000 + i),
                    won_amount=Decimal(1000 + i),
                    currency=["EUR", "USD"][i % 2],
                    submitted_at=now - timedelta(days=days + 10),
                    closed_on=timezone.localdate() - timedelta(days=days),
                )
            DealFactory(
                partner=world.partner,
                owner=owners[i % 2],
                status=Deal.Status.APPROVED,
                submitted_at=now - timedelta(days=30),
                approved_at=now - timedelta(days=29),
                expires_at=now + timedelta(days=2 + i % 5),
            )
            DealFactory(
                partner=world.partner,
                owner=owners[i % 2],
                status=Deal.Status.SUBMITTED,
                submitted_at=now - timedelta(days=i % 20),
            )


PAGES = [
    # (url, role, budget)
    # 43: the session's 4; the tier's partners (1); two evaluations, the tier's period and the
    # company's twelve months, of one query per row source (10: deals closed twice, submitted,
    # users, enrolments, certifications, allocations, funded requests, commission lines, PSAT
    # survey answers) and
    # the rates (1) each; the tier path's tiers and requirements (2); the highlights: deals (the
    # home summary, its leads, the status counts), money (two sources, the next payout, the
    # settings), training (targeting 2, the counts), MDF (2); the bell (1)
    ("/scorecard/", Role.PARTNER_ADMIN, 43),
    ("/scorecard/?span=year", Role.PARTNER_ADMIN, 43),
    # 20: one evaluation of the rep's own rows (4 row sources and the rates); no tier path, no
    # money (the world's tenant does not show reps their earnings)
    ("/scorecard/", Role.PARTNER_REP, 20),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def measure() -> dict:
            return count_all(
                [(url, role) for url, role, _budget in PAGES],
                lambda p: page_queries(clients[p[1]], p[0]),
            )

        grow(world, SMALL, 0)
        small = measure()
        grow(world, LARGE - SMALL, SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_the_scorecard_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
