"""The deal registration admin pages cost the same number of queries whatever the data size."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.admin.queue import DealAdmin
from deals.models import Deal, DealComment, DealExtension, DealMatch, Lead
from deals.tests.factories import LeadFactory, ProtectedAccountFactory, registered
from prm.audit.services import audit_record
from prm.tenancy.roles import Role
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
# The counts are measured once per module (the `counts` fixture): keep the module on one
# pytest-xdist worker, or each worker would grow and measure it again.
pytestmark = pytest.mark.xdist_group("budgets-deals-admin")


def target(world) -> Deal:
    """The registration whose decision screen is measured: a conflict of partner A."""
    with scope(tenant=world.tenant):
        registered(
            world.other_partner_rep, customer_name="Target Co", customer_website="target.example"
        )
        return registered(world.members[Role.PARTNER_REP], customer_name="Target Co",
                          customer_website="target.example")  # fmt: skip


def grow(world, target, start: int, stop: int) -> None:
    """Registrations of both partners in several statuses (some conflicts, some matches),
    protected accounts, leads, and matches, extension requests, history, files and comments for
    `target`."""
    rep_a, rep_b = world.members[Role.PARTNER_REP], world.other_partner_rep
    with scope(tenant=world.tenant):
        for i in range(start, stop):
            deal = registered(rep_a, customer_name=f"Grow Alpha {i}",
                              customer_website=f"grow-alpha-{i}.example")  # fmt: skip
            if i % 3 == 0:  # partner B registers the same customer: a conflict
                registered(rep_b, customer_name=f"Grow Alpha {i}",
                           customer_website=f"grow-alpha-{i}.example")  # fmt: skip
            if i % 4 == 1:
                Deal.objects.filter(pk=deal.pk).update(
                    status=Deal.Status.APPROVED, holds_claim=True, decided_at=timezone.now(),
                    decision_hours=Decimal("5.5"), expires_at=timezone.now(),
                )  # fmt: skip
            account = ProtectedAccountFactory(tenant=world.tenant)
            DealMatch.objects.create(tenant=world.tenant, deal=target, kind="registration",
                                     matched_deal=deal, score=Decimal("0.7"))  # fmt: skip
            DealMatch.objects.create(tenant=world.tenant, deal=target, kind="direct",
                                     account=account, score=Decimal("0.9"), on_domain=True,
                                     is_strong=True)  # fmt: skip
            DealExtension.objects.create(tenant=world.tenant, deal=target, days=10, reason="r",
                                         status=DealExtension.Status.DECLINED)  # fmt: skip
            audit_record(tenant=world.tenant, actor=None, action=f"test.grow.{i}", obj=target)
            # the partner's files and the thread, written by both sides
            attachment_row(target, rep_a, f"quote-{i}.pdf")
            author = rep_a if i % 2 else world.members[Role.CAM]
            DealComment.objects.create(tenant=world.tenant, deal=target, author=author,
                                       body=f"Comment {i}")  # fmt: skip
            partner = [None, world.partner, world.other_partner][i % 3]
            LeadFactory(tenant=world.tenant, partner=partner,
                        status=Lead.Status.ASSIGNED if partner else Lead.Status.NEW,
                        respond_by=timezone.now() if partner else None,
                        opened_at=timezone.now() if i % 2 else None)  # fmt: skip


PAGES = [
    # (url, role, budget); {target} is the measured registration's id
    ("/admin/deals/deal/", Role.CAM, 12),
    ("/admin/deals/deal/", Role.PROGRAM_LEADER, 12),
    ("/admin/deals/deal/?status=all&p=2", Role.CAM, 12),
    ("/admin/deals/deal/?status=all&p=2", Role.PROGRAM_LEADER, 12),
    ("/admin/deals/deal/?status=submitted&match=conflict&overdue=no", Role.PROGRAM_LEADER, 12),
    # a conflict's screen: also both sides of the conflict (the registration that held the
    # customer, the later ones competing) and whether the rules let it be approved now; for a
    # CAM, their partners' ids (deals_for); the partner's files and the thread (two reads, and
    # the thread's notifications marked read)
    ("/admin/deals/deal/{target}/change/", Role.CAM, 22),
    ("/admin/deals/deal/{target}/change/", Role.PROGRAM_LEADER, 20),
    # its decision pages open on its summary
    ("/admin/deals/deal/{target}/approve/", Role.CAM, 19),
    ("/admin/deals/deal/{target}/reject/", Role.CAM, 16),
    ("/admin/deals/protectedaccount/", Role.PROGRAM_LEADER, 11),
    ("/admin/deals/lead/", Role.CAM, 12),
    ("/admin/deals/lead/", Role.PROGRAM_LEADER, 12),
]


EXPORT = "/admin/deals/deal/export/?status=all"
EXPORT_ROLES = [Role.CAM, Role.PROGRAM_LEADER]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    """Every page and the export counted at SMALL and at LARGE, growing the world once."""
    world = world_store.world("ours")
    pages = [(url, role) for url, role, _budget in PAGES]
    with rolled_back(django_db_blocker.unblock), pytest.MonkeyPatch.context() as patch:
        # More than one page at both sizes, filtered or not: a page reads its keys, then its
        # rows.
        patch.setattr(DealAdmin, "list_per_page", 3)
        clients = Clients(world)
        measured = target(world)

        def measure() -> dict:
            return {
                **count_all(
                    pages,
                    lambda p: page_queries(clients[p[1]], p[0].format(target=measured.pk)),
                ),
                **count_all(
                    [(EXPORT, role) for role in EXPORT_ROLES],
                    lambda e: export_queries(clients[e[1]], e[0]),
                ),
            }

        grow(world, measured, 0, SMALL)
        small = measure()
        grow(world, measured, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_deal_admin_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
@pytest.mark.parametrize("role", EXPORT_ROLES)
def test_the_registrations_export_costs_the_same_queries_at_two_sizes(counts, role):
    assert_budget(counts[(EXPORT, role)], 10)
