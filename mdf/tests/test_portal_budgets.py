"""The portal's MDF pages cost the same number of queries whatever the data size (no N+1):
the Funds page, a request's page, a claim's page, and the home page with the Funds card."""

import pytest
from django_scopes import scope

from deals.tests.factories import DealFactory
from mdf.models import CampaignDeal, Claim, MdfRequest
from mdf.tests.factories import allocation_row, claim_row, fund_row, proof_row, request_row
from prm.audit.services import audit_record
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 5, 30
pytestmark = pytest.mark.xdist_group("budgets-mdf-portal")

R = MdfRequest.Status
STATUSES = [R.DRAFT, R.SUBMITTED, R.INFO_REQUESTED, R.REJECTED, R.APPROVED, R.APPROVED]
CLAIMS = [None, Claim.Status.DRAFT, Claim.Status.SUBMITTED, Claim.Status.APPROVED]


def grow(world, n: int, start: int) -> None:
    """n more funds with allocations, and n more requests of the rep and a teammate in every
    status, the approved ones with claims in several statuses."""
    rep = world.members[Role.PARTNER_REP]
    with scope(tenant=world.tenant):
        teammate = partner_membership(world.partner, Role.PARTNER_REP)
        for i in range(start, start + n):
            fund = fund_row(world.tenant, f"Budget fund {i}")
            allocation_row(fund, world.partner, "50000")
            owner = rep if i % 2 else teammate
            status = STATUSES[i % len(STATUSES)]
            row = request_row(world.allocation, owner, status=status, amount="10")
            claim_status = CLAIMS[i % len(CLAIMS)]
            if status == R.APPROVED and claim_status is not None:
                claim_row(row, owner, status=claim_status, proof=False)


def grow_detail(world, request: MdfRequest, claim: Claim, n: int) -> None:
    """The detail request's history, its campaign's deals and its claim's proof grow."""
    rep = world.members[Role.PARTNER_REP]
    with scope(tenant=world.tenant):
        for i in range(n):
            audit_record(
                tenant=world.tenant, actor=world.members[Role.CAM].user,
                action="mdf.request.info_requested", obj=request,
                before={"status": "submitted"}, after={"status": "info_requested"},
                reason=f"Question {i}",
            )  # fmt: skip
            audit_record(
                tenant=world.tenant, actor=rep.user, action="mdf.proof.added", obj=claim,
                after={"file": f"p{i}.pdf", "size": "1 KB"},
            )  # fmt: skip
            deal = DealFactory(partner=world.partner, owner=rep, status="approved")
            CampaignDeal.objects.create(tenant=world.tenant, request=request, deal=deal)
            proof_row(claim, rep, f"proof-{i}.pdf")


PAGES = [
    # (url, role, budget)
    ("/funds/", Role.PARTNER_REP, 11),  # + whether the tenant shows reps their earnings (nav)
    ("/funds/", Role.PARTNER_ADMIN, 8),
    ("/funds/?page=2", Role.PARTNER_ADMIN, 8),
]
DETAIL_ROLES = [Role.PARTNER_REP, Role.PARTNER_ADMIN]
HOME_ROLES = [Role.PARTNER_REP, Role.PARTNER_ADMIN]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        with scope(tenant=world.tenant):
            rep = world.members[Role.PARTNER_REP]
            request = request_row(world.allocation, rep, status=R.APPROVED, amount="100")
            claim = claim_row(request, rep, status=Claim.Status.DRAFT)

        def measure() -> dict:
            return {
                **count_all(
                    [(url, role) for url, role, _budget in PAGES],
                    lambda p: page_queries(clients[p[1]], p[0]),
                ),
                **count_all(
                    [("request", role) for role in DETAIL_ROLES],
                    lambda d: page_queries(clients[d[1]], f"/funds/requests/{request.pk}/"),
                ),
                **count_all(
                    [("claim", role) for role in DETAIL_ROLES],
                    lambda d: page_queries(clients[d[1]], f"/funds/claims/{claim.pk}/"),
                ),
                **count_all(
                    [("claim_edit", role) for role in DETAIL_ROLES],
                    lambda d: page_queries(clients[d[1]], f"/funds/claims/{claim.pk}/edit/"),
                ),
                **count_all(
                    [("home", role) for role in HOME_ROLES],
                    lambda d: page_queries(clients[d[1]], "/"),
                ),
            }

        grow(world, SMALL, 0)
        grow_detail(world, request, claim, SMALL)
        small = measure()
        grow(world, LARGE - SMALL, SMALL)
        grow_detail(world, request, claim, LARGE - SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_the_funds_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    """The balances (one query), a page of requests with their claims (count and rows); a
    rep's page reads the tenant's MDF settings (whether reps may request)."""
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_the_request_page_costs_the_same_queries_at_two_sizes(counts, role):
    """The request with its fund and claim, its questions and answers, its history and its
    claim's, the campaign's deals and its ROI, whatever their number."""
    assert_budget(counts[("request", role)], 14)  # + the Earnings entry for a rep (issue 16)


@pytest.mark.django_db
@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_the_claim_page_costs_the_same_queries_at_two_sizes(counts, role):
    assert_budget(counts[("claim", role)], 10)


@pytest.mark.django_db
@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_the_claim_form_costs_the_same_queries_at_two_sizes(counts, role):
    assert_budget(counts[("claim_edit", role)], 12)  # + the Earnings entry for a rep


@pytest.mark.django_db
@pytest.mark.parametrize("role", HOME_ROLES)
def test_the_home_page_with_the_funds_card_costs_the_same_queries_at_two_sizes(counts, role):
    """The home page of the deals and training cards (see their budgets) and the Funds card:
    two queries (the open allocations; the first claim due with the counts), and for a rep the
    tenant's MDF settings (whether reps may request)."""
    # + the Earnings card (commissions, issue 16): two money sources and the next payout
    assert_budget(counts[("home", role)], 27)  # with the surveys-waiting card (partners)
