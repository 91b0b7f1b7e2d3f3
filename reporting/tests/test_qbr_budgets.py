"""The business-review pages cost the same number of queries whatever the number of reviews,
action items and comments: the lists read a page of rows with their partner, the editor and the
portal's review read the review, its newest snapshot (the figures are in it, never read again),
its items and comments in a fixed number of queries; and building a snapshot costs the same for
a partner with few rows as for one with many (every figure from the metrics engine, each list
in one query)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from reporting.models import Qbr
from reporting.qbrs import services
from reporting.qbrs.snapshot import snapshot_data
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 2, 8
pytestmark = pytest.mark.xdist_group("budgets-reporting-qbrs")

PAGES = [
    # (url, role, budget): the session, membership and tenant (~5), then the page's own reads
    ("/admin/reporting/qbr/", Role.PROGRAM_LEADER, 8),
    ("/admin/reporting/qbr/", Role.CAM, 8),
    ("/admin/reporting/qbractionitem/", Role.CAM, 8),
    ("editor", Role.CAM, 12),
    ("/admin/reporting/qbrs/prepare/", Role.CAM, 6),
    ("/reviews/", Role.PARTNER_ADMIN, 7),
    ("/reviews/", Role.PARTNER_REP, 7),
    ("review", Role.PARTNER_ADMIN, 9),
]
#: building one partner's snapshot: the partner, the plan with its goals and milestones, its
#: CAMs, one query or two per row source of the metrics engine and the exchange rates, the
#: tier standing, the biggest wins, campaigns, certifications and carried items (measured: 27
#: here at both sizes, 30 on the demo's Northwind, whose plan's goals add their own sources;
#: the issue's target is 15, see the README)
SNAPSHOT_BUDGET = 27


def grow(world, start: int, end: int) -> None:
    """Per step, for partner A: a won deal in last quarter; a partner of the CAM's with its
    own review of last quarter; an action item and a comment on partner A's review."""
    cam = world.members[Role.CAM]
    last = world.qbr.period_start
    with scope(tenant=world.tenant):
        for i in range(start, end):
            DealFactory(
                partner=world.partner,
                owner=world.members[Role.PARTNER_REP],
                status=Deal.Status.WON,
                amount=Decimal(1000 + i),
                won_amount=Decimal(1000 + i),
                currency=world.tenant.default_currency,
                submitted_at=timezone.now() - timedelta(days=200),
                closed_on=last + timedelta(days=i % 60),
            )
            other = PartnerFactory(tenant=world.tenant, name=f"Reviewed partner {i}")
            assign_perm(MANAGE_PARTNER, cam.user, other)
            services.qbr_open(actor=cam, partner=other, day=last)
            services.action_item_add(
                actor=cam, qbr=world.qbr, title=f"Step {i}", owner=world.members[Role.PARTNER_REP],
                due_on=timezone.localdate() + timedelta(days=i),
            )  # fmt: skip
            services.qbr_comment_add(actor=cam, qbr=world.qbr, body=f"Comment {i}")


def _snapshot_queries(world) -> int:
    with scope(tenant=world.tenant):
        qbr = Qbr.objects.select_related("tenant").get(pk=world.qbr.pk)
        with CaptureQueriesContext(connection) as ctx:
            data = snapshot_data(qbr)
    assert data["wins"]
    return len(ctx.captured_queries)


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        urls = {
            "editor": f"/admin/reporting/qbrs/{world.qbr.pk}/",
            "review": f"/reviews/{world.qbr.pk}/",
        }

        def measure() -> dict:
            found = count_all(
                [(u, r) for u, r, _b in PAGES],
                lambda p: page_queries(clients[p[1]], urls.get(p[0], p[0])),
            )
            found[("snapshot", "")] = _snapshot_queries(world)
            return found

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_review_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
def test_a_snapshot_costs_the_same_queries_at_two_sizes(counts):
    assert_budget(counts[("snapshot", "")], SNAPSHOT_BUDGET)
