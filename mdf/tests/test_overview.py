"""The partner page's MDF section: balances per fund, open requests with their clock, claims
due or waiting, the partner's ROI; MDF events in its recent activity; its query budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from mdf.events import tenant_today
from mdf.models import Claim, MdfRequest
from mdf.tests.factories import allocation_row, claim_row, fund_row, request_row
from partners.tests.factories import PartnerFactory
from prm.audit.services import audit_record
from prm.money import format_money
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

PAGE = "/admin/partners/partner/{}/overview/"


def section_of(html: str) -> str:
    start = html.index('id="section-mdf"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_a_cam_sees_the_partners_balance_requests_claims_and_roi(ours, host_client):
    with scope(tenant=ours.tenant):
        rep = ours.members[Role.PARTNER_REP]
        unclaimed = request_row(ours.allocation, rep, status=MdfRequest.Status.APPROVED,
                                amount="900", title="Webinar series")  # fmt: skip
        unclaimed.claim_due_on = tenant_today(ours.tenant) - timedelta(days=2)
        unclaimed.save(update_fields=["claim_due_on"])
        allocation = type(ours.allocation).objects.get(pk=ours.allocation.pk)
    html = host_client(ours.host, ours.members[Role.CAM]).get(PAGE.format(ours.partner.pk))
    section = section_of(html.content.decode())
    money = allocation.currency
    assert ours.fund.name in section
    for amount in (allocation.allocated, allocation.committed, allocation.claimed,
                   allocation.available):  # fmt: skip
        assert format_money(amount, money) in section
    assert reverse("admin:mdf_fund_overview", args=[ours.fund.pk]) in section
    # the waiting request with its decision clock, linked to the decision screen
    assert ours.mdf_request.reference in section
    assert reverse("admin:mdf_mdfrequest_change", args=[ours.mdf_request.pk]) in section
    assert "left" in section or "overdue by" in section
    assert ours.other_mdf_request.reference not in section  # partner B's
    # the claim overdue from the partner, the claims waiting on the vendor
    assert "Webinar series" in section
    assert "claim overdue" in section
    assert ours.claim.reference in section
    assert reverse("admin:mdf_claim_change", args=[ours.due_claim.pk]) in section
    # the paid-out claim gives a return: what was spent on it
    assert format_money(Decimal("2000"), money) + " spent" in section
    assert "no deal linked to these campaigns yet" in section


@pytest.mark.django_db
def test_a_partner_without_mdf_says_what_to_do(ours, host_client):
    with scope(tenant=ours.tenant):
        partner = PartnerFactory(tenant=ours.tenant, tier=ours.tier)
    html = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(PAGE.format(partner.pk))
    section = section_of(html.content.decode())
    assert "has no allocation of a fund and no MDF request yet" in section


@pytest.mark.django_db
def test_an_allocation_alone_shows_each_empty_part(ours, host_client):
    with scope(tenant=ours.tenant):
        partner = PartnerFactory(tenant=ours.tenant, tier=ours.tier)
        allocation_row(ours.fund, partner, "5000")
    html = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(PAGE.format(partner.pk))
    section = section_of(html.content.decode())
    assert "No request waits for a decision." in section
    assert "No claim is due from this partner or waiting on you." in section
    assert "No return yet" in section


@pytest.mark.django_db
def test_mdf_history_shows_in_the_partners_recent_activity(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        audit_record(tenant=ours.tenant, actor=rep.user, action="mdf.request.submitted",
                     obj=ours.mdf_request)  # fmt: skip
        audit_record(tenant=ours.tenant, actor=None, action="mdf.claim.reminded",
                     obj=ours.funded_request, after={"claim_due_on": "Fri, 1 Jan"})  # fmt: skip
        audit_record(tenant=ours.tenant, actor=None, action="mdf.request.submitted",
                     obj=ours.other_mdf_request)  # fmt: skip
    html = host_client(ours.host, ours.members[Role.CAM]).get(PAGE.format(ours.partner.pk))
    activity = html.content.decode()
    activity = activity[activity.index('id="section-activity"') :]
    assert f"submitted {ours.mdf_request}" in activity
    assert "was reminded to claim" in activity
    assert str(ours.other_mdf_request) not in activity


# The query budget


SMALL, LARGE = 3, 24
BUDGET_ROLES = [Role.CAM, Role.PROGRAM_LEADER]
#: the page's sections besides MDF (tests/test_workspace_budgets.py) and MDF's 7 queries: the
#: balances, the request counts, the open requests, the unclaimed ones, the claims, the ROI (two)
BUDGET = 51  # + the Earnings section (commissions, issue 16)
#: the claims of the grown approved requests (every 8th; some left unclaimed)
CLAIMED = [Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.PAID]


def grow(world, start: int, end: int) -> None:
    """More funds allocated to partner A, and its requests in every status with claims; more
    partners of the CAM with their own requests."""
    rep = world.members[Role.PARTNER_REP]
    cam = world.members[Role.CAM].user
    statuses = list(MdfRequest.Status)
    with scope(tenant=world.tenant):
        for i in range(start, end):
            fund = fund_row(world.tenant, f"Grown fund {i}", budget=Decimal("900000"))
            allocation = allocation_row(fund, world.partner, "40000")
            status = statuses[i % len(statuses)]
            request = request_row(allocation, rep, status=status, amount="1000",
                                  title=f"Grown campaign {i}")  # fmt: skip
            if status == MdfRequest.Status.APPROVED and i // 8 % 4:
                claim_status = CLAIMED[i // 8 % 4 - 1]
                claim_row(request, rep, status=claim_status, proof=False)
            MdfRequest.objects.filter(pk=request.pk).update(
                sla_due_at=timezone.now() + timedelta(hours=(-3 if i % 2 else 20))
            )
            partner = PartnerFactory(tenant=world.tenant, tier=world.tier)
            assign_perm(MANAGE_PARTNER, cam, partner)
            other = allocation_row(fund, partner, "10000")
            request_row(other, world.other_partner_rep, title=f"Their campaign {i}")


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    url = PAGE.format(world.partner.pk)
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def measure() -> dict:
            return count_all(BUDGET_ROLES, lambda role: page_queries(clients[role], url))

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize("role", BUDGET_ROLES)
def test_the_partner_page_with_mdf_costs_the_same_at_two_sizes(counts, role):
    assert_budget(counts[role], BUDGET)


@pytest.mark.django_db
def test_the_sections_links_open_the_review_pages_it_names(ours, host_client):
    from mdf.overview import mdf_section

    cam = ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        section = mdf_section(ours.partner, cam)
    client = host_client(ours.host, cam)
    urls = [url for _label, url in section.links]
    urls += [section.context["open_url"], section.context["overdue_url"]]
    urls += [row["url"] for row in section.context["open"] + section.context["waiting"]]
    urls += [balance.url for balance in section.context["balances"]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "?e=1" not in response.get("Location", ""), url
