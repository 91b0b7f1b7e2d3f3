"""The bulk QBR export page costs the same number of queries whatever the number of partners
(no N+1): the form, and the count with the first names, for partner operations and a CAM."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.tests.factories import PartnerFactory
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from reporting.qbrs.services import recent_quarters
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 5, 40
pytestmark = pytest.mark.xdist_group("budgets-reporting-qbr-export")


def grow(world, n: int, start: int) -> None:
    """n more partners in partner A's tier, every other one assigned to the world's CAM."""
    with scope(tenant=world.tenant):
        cam = world.members[Role.CAM]
        for i in range(start, start + n):
            partner = PartnerFactory(tenant=world.tenant, tier=world.tier, region="emea")
            if i % 2:
                assign_perm(MANAGE_PARTNER, cam.user, partner)


def pages(world) -> list[tuple[str, str]]:
    url = reverse("admin:reporting_qbr_export", urlconf="prm.urls")
    quarter = recent_quarters(world.tenant, timezone.localdate())[1].start.isoformat()
    counted = f"{url}?quarter={quarter}"
    return [
        (url, Role.PARTNER_OPS),
        (f"{counted}&scope=all", Role.PARTNER_OPS),
        (f"{counted}&scope=tier&tier={world.tier.pk}", Role.PARTNER_OPS),
        (f"{counted}&scope=segment&segment={world.segment.pk}", Role.PARTNER_OPS),
        (f"{counted}&scope=cam&cam={world.members[Role.CAM].pk}", Role.PARTNER_OPS),
        (url, Role.CAM),
        (f"{counted}&scope=all", Role.CAM),
    ]


# Measured: the form 8 (7 for a CAM, who picks no CAM); with the count 10 (a segment 11: its
# partner types). The form's choices: CAMs (leaders and partner operations), tiers, segments
# (1 each, quarters need none); the count and the first names (2; a CAM's grants are a
# subquery); the session and membership around them.
BUDGET = 11
PAGES = ["form", "all", "tier", "segment", "cam", "cam form", "cam all"]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        urls = dict(zip(PAGES, pages(world), strict=True))

        def measure() -> dict:
            return count_all(
                PAGES, lambda page: page_queries(clients[urls[page][1]], urls[page][0])
            )

        grow(world, SMALL, 0)
        small = measure()
        grow(world, LARGE - SMALL, SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_the_export_page_costs_the_same_queries_at_two_sizes(counts, page):
    assert_budget(counts[page], BUDGET)
