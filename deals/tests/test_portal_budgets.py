"""The portal's deal pages cost the same number of queries whatever the data size (no N+1)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal, DealExtension, Lead
from deals.tests.factories import DealFactory, LeadFactory, ProductFactory, registered
from prm.audit.services import audit_record
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.budgets import export_queries, page_queries

SMALL, LARGE = 10, 60


STATUSES = [
    Deal.Status.DRAFT,
    Deal.Status.SUBMITTED,
    Deal.Status.APPROVED,
    Deal.Status.REJECTED,
    Deal.Status.WON,
]


def grow(world, n: int) -> None:
    """n more of everything the pages list: deals of the rep and of teammates in every status,
    products, leads (some opened), and status changes and extension answers of every deal."""
    rep = world.members[Role.PARTNER_REP]
    with scope(tenant=world.tenant):
        teammate = partner_membership(world.partner, Role.PARTNER_REP)
        for i in range(n):
            product = ProductFactory(tenant=world.tenant)
            status = STATUSES[i % len(STATUSES)]
            deal = DealFactory(
                partner=world.partner,
                owner=rep if i % 2 else teammate,
                status=status,
                submitted_at=timezone.now() if status != Deal.Status.DRAFT else None,
                sla_due_at=timezone.now() + timedelta(days=2),
                expires_at=timezone.now() + timedelta(days=9),
                products=[product],
            )
            audit_record(
                tenant=world.tenant, actor=rep.user, action="deals.deal.submitted", obj=deal,
                before={"status": "draft"}, after={"status": status},
            )  # fmt: skip
            LeadFactory(
                tenant=world.tenant,
                partner=world.partner,
                status=Lead.Status.ASSIGNED,
                respond_by=timezone.now() + timedelta(days=3),
                opened_at=timezone.now() if i % 2 else None,
                deal=deal if i % 3 == 0 else None,
            )
            DealFactory(partner=world.other_partner, products=[product])


def detail_deal(world) -> Deal:
    """An approved deal of the rep whose history and extensions grow with the data."""
    with scope(tenant=world.tenant):
        deal = registered(world.members[Role.PARTNER_REP])
    return deal


def grow_detail(world, deal: Deal, n: int) -> None:
    with scope(tenant=world.tenant):
        for i in range(n):
            audit_record(
                tenant=world.tenant, actor=world.members[Role.CAM].user,
                action="deals.deal.info_requested", obj=deal,
                before={"status": "submitted"}, after={"status": "info_requested"},
                reason=f"Question {i}",
            )  # fmt: skip
            DealExtension.objects.create(
                tenant=world.tenant, deal=deal, days=10, reason=f"R{i}",
                status=DealExtension.Status.DECLINED, decision_note="No",
            )  # fmt: skip
            deal.products.add(ProductFactory(tenant=world.tenant))


PAGES = [
    # (url, role, budget)
    ("/deals/", Role.PARTNER_REP, 10),
    ("/deals/", Role.PARTNER_ADMIN, 10),
    ("/deals/?status=submitted&q=customer", Role.PARTNER_ADMIN, 10),
    ("/deals/new/", Role.PARTNER_REP, 10),
    ("/deals/leads/", Role.PARTNER_ADMIN, 9),
    # the home page with the deals card (one query of its own)
    ("/", Role.PARTNER_REP, 12),
    ("/", Role.PARTNER_ADMIN, 14),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_page_costs_the_same_queries_at_two_sizes(ours, host_client, url, role, budget):
    client = host_client(ours.host, ours.members[role])
    grow(ours, SMALL)
    small = page_queries(client, url)
    grow(ours, LARGE - SMALL)
    large = page_queries(client, url)
    assert small == large
    assert large <= budget


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PARTNER_REP, Role.PARTNER_ADMIN])
def test_the_detail_page_costs_the_same_queries_at_two_sizes(ours, host_client, role):
    client = host_client(ours.host, ours.members[role])
    deal = detail_deal(ours)
    url = f"/deals/{deal.pk}/"
    grow(ours, SMALL)
    grow_detail(ours, deal, SMALL)
    small = page_queries(client, url)
    grow(ours, LARGE - SMALL)
    grow_detail(ours, deal, LARGE - SMALL)
    large = page_queries(client, url)
    assert small == large
    assert large <= 14


@pytest.mark.django_db
def test_the_export_costs_the_same_queries_at_two_sizes(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    grow(ours, SMALL)
    small = export_queries(client, "/deals/export/", min_lines=SMALL)
    grow(ours, LARGE - SMALL)
    large = export_queries(client, "/deals/export/", min_lines=SMALL)
    assert small == large
    assert large <= 8
