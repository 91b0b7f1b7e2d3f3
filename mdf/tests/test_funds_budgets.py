"""The fund list, overview, allocations and ledger pages and their CSV files cost the same number
of queries whatever the number of funds, partners, requests, claims and ledger lines."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from mdf import ledger
from mdf.models import Claim, MdfRequest
from mdf.tests.factories import allocation_row, claim_row, fund_row, request_row
from partners.tests.factories import PartnerFactory
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.budgets import (
    Clients,
    assert_budget,
    at_two_sizes,
    count_all,
    export_queries,
    page_queries,
    rolled_back,
)

SMALL, LARGE = 2, 8
pytestmark = pytest.mark.xdist_group("budgets-mdf-funds")

PAGES = [
    # (url, role, budget): the session, membership and tenant (~5), then the page's own reads:
    # the list with its sums in one query and its count; the overview's fund, balances, status
    # counts, ROI (spent claims and linked deals: two queries), a page of partners, its count and
    # their ROI (two)
    ("/admin/mdf/fund/", Role.PROGRAM_LEADER, 8),
    ("/admin/mdf/fund/", Role.CAM, 8),
    ("/admin/mdf/funds/{fund}/overview/", Role.PROGRAM_LEADER, 14),
    ("/admin/mdf/funds/{fund}/overview/", Role.CAM, 14),
    ("/admin/mdf/funds/{fund}/allocations/", Role.PARTNER_OPS, 9),
    ("/admin/mdf/funds/{fund}/allocations/", Role.CAM, 9),
    ("/admin/mdf/funds/allocations/{allocation}/ledger/", Role.PROGRAM_LEADER, 8),
    ("/admin/mdf/funds/allocations/{allocation}/ledger/", Role.CAM, 8),
]
EXPORTS = [
    ("/admin/mdf/funds/{fund}/allocations.csv", Role.PROGRAM_LEADER, 6),
    ("/admin/mdf/funds/{fund}/allocations.csv", Role.CAM, 6),
    ("/admin/mdf/funds/allocations/{allocation}/ledger.csv", Role.PARTNER_OPS, 6),
]


def grow(world, start: int, end: int) -> None:
    """Per step: a fund, and a partner (assigned to the CAM every other time) with an
    allocation of the world's fund, an approved request with a paid claim and a submitted one;
    partner A's allocation gets one more approved request with an approved claim."""
    tenant = world.tenant
    cam = world.members[Role.CAM]
    rep = world.members[Role.PARTNER_REP]
    approved = MdfRequest.Status.APPROVED
    with scope(tenant=tenant):
        for i in range(start, end):
            fund_row(tenant, f"Grown fund {i}")
            partner = PartnerFactory(tenant=tenant, name=f"Grown partner {i}")
            if i % 2:
                assign_perm(MANAGE_PARTNER, cam.user, partner)
            member = partner_membership(partner, Role.PARTNER_ADMIN)
            allocation = allocation_row(world.fund, partner, "3000")
            funded = request_row(allocation, member, status=approved, amount="1000")
            claim = claim_row(
                funded, member, status=Claim.Status.APPROVED, spend="900", proof=False
            )
            _pay(claim)
            request_row(allocation, member, amount="500")
            more = request_row(world.allocation, rep, status=approved, amount="100")
            claim_row(more, rep, status=Claim.Status.APPROVED, spend="100", proof=False)
        world.fund.refresh_from_db()
        assert world.fund.allocated <= Decimal(world.fund.budget)


def _pay(claim: Claim) -> None:
    """The claim paid as the payment service leaves it (the factory makes approved ones)."""
    with transaction.atomic():
        claim.status = Claim.Status.PAID
        claim.paid_on = timezone.localdate()
        claim.payment_reference = f"PAY-{claim.number}"
        claim.save()
        ledger.reimburse(claim=claim, actor=None, reason="Paid")


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        values = {"fund": world.fund.pk, "allocation": world.allocation.pk}

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
def test_fund_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
