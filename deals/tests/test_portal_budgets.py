"""The portal's deal pages cost the same number of queries whatever the data size (no N+1)."""

import secrets
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal, DealComment, DealExtension, Lead
from deals.tests.factories import DealFactory, LeadFactory, ProductFactory, registered
from partners.models import PartnerOnboarding
from prm.audit.services import audit_record
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
from tests.worlds import attachment_row

SMALL, LARGE = 10, 60
CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()
FROM = (timezone.localdate() - timedelta(days=7)).isoformat()
TO = timezone.localdate().isoformat()
# The counts are measured once per module (the `counts` fixture): keep the module on one
# pytest-xdist worker, or each worker would grow and measure it again.
pytestmark = pytest.mark.xdist_group("budgets-deals-portal")


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
        return registered(world.members[Role.PARTNER_REP])


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
            # files and the thread with the vendor, written by both sides
            attachment_row(deal, deal.owner, f"quote-{i}.pdf")
            author = deal.owner if i % 2 else world.members[Role.CAM]
            DealComment.objects.create(tenant=world.tenant, deal=deal, author=author,
                                       body=f"Comment {i}")  # fmt: skip


PAGES = [
    # (url, role, budget)
    ("/deals/", Role.PARTNER_REP, 10),
    ("/deals/", Role.PARTNER_ADMIN, 10),
    ("/deals/?status=submitted&q=customer", Role.PARTNER_ADMIN, 10),
    # every sort, the submitted dates and "expiring soon" (read in the list's own queries)
    *(
        (f"/deals/?sort={sort}", Role.PARTNER_ADMIN, 10)
        for sort in ("customer", "-amount", "status", "-submitted", "protection")
    ),
    (
        f"/deals/?submitted_from={FROM}&submitted_to={TO}&expiring=1&sort=-protection",
        Role.PARTNER_REP,
        10,
    ),
    ("/deals/new/", Role.PARTNER_REP, 10),
    ("/deals/leads/", Role.PARTNER_ADMIN, 9),
    # the home page with the deals card (one query of its own) and the training app's
    # "Continue learning" card (four: the company's segments, the counts, the courses in
    # progress) and "Certification expiring" (one)
    # + the Funds card (mdf: two queries, and the MDF settings for a rep)
    # + one since partner A has a partner type (the type the commission plan pays by)
    # + the Earnings card (commissions, issue 16): the money sources and the next payout; a
    # rep: whether the tenant shows reps their earnings
    ("/", Role.PARTNER_REP, 23),
    ("/", Role.PARTNER_ADMIN, 27),
]


DETAIL_ROLES = [Role.PARTNER_REP, Role.PARTNER_ADMIN]
EXPORT = "/deals/export/"
REGISTER = "register"


def register_queries(client, product, name: str) -> int:
    """The statements of one "Submit registration" POST of customer `name`, all of them: the
    savepoint the test's own transaction makes of the service's transaction stands for the
    BEGIN and COMMIT a request sends (and the benchmark counts)."""
    data = {
        "customer_name": f"{name} Holdings", "customer_website": f"{name.lower()}.example",
        "country": "DE", "contact_name": "Nora North", "contact_email": "nora@example.com",
        "contact_role": "CTO", "products": [product.pk], "amount": "12500",
        "currency": "EUR", "expected_close_on": CLOSE, "deal_type": "new", "notes": "",
        "action": "submit",
    }  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/deals/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(ctx.captured_queries)


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    """Every page, the detail page of a growing registration and the export, counted at SMALL
    and at LARGE, growing the world once."""
    world = world_store.world("ours")
    pages = [(url, role) for url, role, _budget in PAGES]
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        deal = detail_deal(world)
        # Partner A as most partners registering deals are: its onboarding is over.
        with scope(tenant=world.tenant):
            PartnerOnboarding.objects.filter(pk=world.onboarding.pk).update(
                completed_at=timezone.now()
            )
            product = ProductFactory(tenant=world.tenant)
        register_queries(clients[Role.PARTNER_REP], product, "Warmup")  # caches (content types)

        def measure() -> dict:
            return {
                **count_all(pages, lambda p: page_queries(clients[p[1]], p[0])),
                **count_all(
                    [("detail", role) for role in DETAIL_ROLES],
                    lambda d: page_queries(clients[d[1]], f"/deals/{deal.pk}/"),
                ),
                **count_all(
                    [(EXPORT, Role.PARTNER_ADMIN)],
                    lambda e: export_queries(clients[e[1]], e[0], min_lines=SMALL),
                ),
                **count_all(
                    [(REGISTER, Role.PARTNER_REP)],
                    # a customer like no other (a name match would add the CAM's matches)
                    lambda r: register_queries(clients[r[1]], product, secrets.token_hex(8)),
                ),
            }

        grow(world, SMALL)
        grow_detail(world, deal, SMALL)
        small = measure()
        grow(world, LARGE - SMALL)
        grow_detail(world, deal, LARGE - SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_the_detail_page_costs_the_same_queries_at_two_sizes(counts, role):
    """Also its files, its thread and marking the thread's notifications read (two reads and
    an update), whatever their number."""
    assert_budget(counts[("detail", role)], 17)  # + the Earnings entry for a rep (issue 16)


@pytest.mark.django_db
def test_registering_a_deal_costs_at_most_21_queries_at_two_sizes(counts):
    """A rep's "Submit registration": the conflict check, the claim, the registration, its
    audit, the onboarding check and the CAM's notification and email (20), and the company's
    access read again once the claim lock is held (a statement of its own: a subquery in the
    locking statement would read the snapshot taken before the lock wait, and a company
    offboarded meanwhile would still claim the customer)."""
    assert_budget(counts[(REGISTER, Role.PARTNER_REP)], 21)


@pytest.mark.django_db
def test_the_export_costs_the_same_queries_at_two_sizes(counts):
    assert_budget(counts[(EXPORT, Role.PARTNER_ADMIN)], 8)
