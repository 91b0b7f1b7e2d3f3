"""The incentives' pages cost the same number of queries whatever the data size: the campaign
list, the sign-off queue and the portal's incentives page (partner admin and rep)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.admin.incentives import SpifCampaignAdmin
from commissions.models import CommissionSettings, SpifCampaign
from commissions.tests.factories import reward_row, spif_award_row, spif_row, won_deal_row
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 4, 20
pytestmark = pytest.mark.xdist_group("budgets-commissions-incentives")


def grow(world, start: int, stop: int) -> None:
    """More campaigns (one in a segment), waiting and applied awards of both partners for won
    deals of the rep, and rewards."""
    rep = world.members[Role.PARTNER_REP]
    with scope(tenant=world.tenant):
        SpifCampaign.objects.filter(pk=world.spif.pk).update(budget=Decimal("1000000"))
        campaign = SpifCampaign.objects.get(pk=world.spif.pk)
        for i in range(start, stop):
            spif_row(world.tenant, f"Grow SPIF {i}", ends_on=timezone.localdate() + timedelta(i))
            for partner, owner in (
                (world.partner, rep),
                (world.other_partner, world.other_partner_rep),
            ):
                deal = won_deal_row(partner, owner)
                spif_award_row(campaign, partner, deal, amount=Decimal("10"))
                campaign.refresh_from_db()
            reward_row(world.partner, f"Recognition {i}")


PAGES = [
    ("/admin/commissions/spifcampaign/", Role.PARTNER_OPS, 16),
    ("/admin/commissions/incentives/spif-awards/", Role.PARTNER_OPS, 14),
    ("/earnings/incentives/", Role.PARTNER_ADMIN, 16),
    ("/earnings/incentives/", Role.PARTNER_REP, 16),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock), pytest.MonkeyPatch.context() as patch:
        patch.setattr(SpifCampaignAdmin, "list_per_page", 3)
        patch.setattr("commissions.admin.incentives.QUEUE_PAGE", 3)
        patch.setattr("commissions.views.incentives.PAGE_SIZE", 3)
        with scope(tenant=world.tenant):
            CommissionSettings.objects.filter(tenant=world.tenant).update(reps_see_earnings=True)
        clients = Clients(world)

        def measure() -> dict:
            return count_all(
                [(url, role) for url, role, _budget in PAGES],
                lambda p: page_queries(clients[p[1]], p[0]),
            )

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_incentive_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
