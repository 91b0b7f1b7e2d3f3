"""The staff home (every staff role) and the partner page cost the same number of queries
whatever the data size: each card and section reads with a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from deals.models import Deal, DealExtension, Lead
from deals.tests.factories import DealFactory, LeadFactory
from partners.models import PartnerOnboarding, StepCompletion, TierProposal
from partners.tests.factories import ApplicationFactory, PartnerFactory, PlanMilestoneFactory
from prm.audit.services import audit_record
from prm.notifications.models import Notification
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

from .budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 4, 40
# The counts are measured once per module (the `counts` fixture): keep the module on one
# pytest-xdist worker, or each worker would grow and measure it again.
pytestmark = pytest.mark.xdist_group("budgets-workspace")

STATUSES = [
    Deal.Status.SUBMITTED,
    Deal.Status.INFO_REQUESTED,
    Deal.Status.APPROVED,
    Deal.Status.REJECTED,
    Deal.Status.WON,
]


def grow(world, n: int) -> None:
    """n more of everything the home and the partner page count or list: partners (managed by
    the CAM) with a tier proposal and a stalled onboarding, registrations of partner A in every
    status (some overdue, some conflicts, some with an extension request) and of the new
    partners, leads, applications, milestones, users, notifications and audit events."""
    now = timezone.now()
    rep = world.members[Role.PARTNER_REP]
    cam = world.members[Role.CAM].user
    with scope(tenant=world.tenant):
        for i in range(n):
            partner = PartnerFactory(tenant=world.tenant, tier=world.tier)
            assign_perm(MANAGE_PARTNER, cam, partner)
            TierProposal.objects.create(
                tenant=world.tenant, partner=partner, to_tier=world.tier, is_promotion=i % 2 == 0
            )
            onboarding = PartnerOnboarding.objects.create(
                tenant=world.tenant, partner=partner, plan=world.onboarding_plan,
                started_at=now - timedelta(days=30 + i),
            )  # fmt: skip
            if i % 3 == 0:
                StepCompletion.objects.create(tenant=world.tenant, onboarding=onboarding,
                                              step=world.manual_step, completed_at=now)  # fmt: skip
            status = STATUSES[i % len(STATUSES)]
            deal = DealFactory(
                partner=world.partner, owner=rep, status=status, products=[world.product],
                submitted_at=now - timedelta(days=i), amount=Decimal("1000") + i,
                sla_due_at=now + timedelta(hours=(-5 if i % 2 else 30)),
                holds_claim=status in (Deal.Status.SUBMITTED, Deal.Status.APPROVED),
                expires_at=now + timedelta(days=60) if status == Deal.Status.APPROVED else None,
            )  # fmt: skip
            DealFactory(
                partner=partner, status=Deal.Status.SUBMITTED, products=[world.product],
                submitted_at=now, sla_due_at=now - timedelta(hours=i), conflict_with=deal,
            )  # fmt: skip
            if status == Deal.Status.APPROVED:
                DealExtension.objects.create(tenant=world.tenant, deal=deal, days=10, reason="r")
            audit_record(tenant=world.tenant, actor=cam, action="deals.deal.approved", obj=deal,
                         before={"status": "submitted"}, after={"status": "approved"})  # fmt: skip
            audit_record(tenant=world.tenant, actor=None, action="partners.partner.status_changed",
                         obj=world.partner, before={"status": "onboarding"},
                         after={"status": "active"}, reason=f"Reason {i}")  # fmt: skip
            LeadFactory(
                tenant=world.tenant,
                partner=[None, world.partner, partner][i % 3],
                status=[Lead.Status.NEW, Lead.Status.ASSIGNED, Lead.Status.DECLINED][i % 3],
                respond_by=now + timedelta(days=2),
                opened_at=now if i % 2 else None,
            )
            ApplicationFactory(tenant=world.tenant, score=i, is_free_mail=i % 2 == 0)
            PlanMilestoneFactory(plan=world.plan, owner=world.members[Role.PARTNER_ADMIN])
            partner_membership(world.partner, Role.PARTNER_REP)
        for member in world.members.values():
            Notification.objects.bulk_create(
                Notification(tenant=world.tenant, recipient=member.user, event="e", rule="r",
                             category="account", title=f"N{i}", link="/")
                for i in range(n)
            )  # fmt: skip


STAFF = [Role.PROGRAM_LEADER, Role.PARTNER_OPS, Role.CAM]
PAGES = [
    # (url, role, budget); {partner} is partner A (the CAM's)
    # 17 for leaders and ops (5 cards), 15 for a CAM (4), measured December 2026; the MDF
    # review cards (requests 2 queries, claims 1, payments 1) bring it to 22 for leaders, 19
    # for ops and CAMs
    # + the disputes card (commissions, issue 16) for who answers them
    # + the SPIF sign-off card (1 query, commissions.approve)
    # + the statements to approve and to pay (1 query each): 27 for leaders
    # + the open KPI alerts addressed to the member (1 query, reporting.alerts.view): 28
    # + the business reviews card (2): 30
    # + the webhooks and API keys cards for who manages integrations (1 query each, program
    #   leaders): 32
    *[("/admin/", role, 32 if role == Role.PROGRAM_LEADER else 30) for role in STAFF],
    # 32: ten sections from three apps, measured December 2026; 36 for a CAM once the Training
    # section lists each learner with their courses and certifications (4 queries of its own);
    # 43 with the MDF section (7 of its own: balances, request counts, open requests, unclaimed
    # ones, claims, ROI in two; mdf/tests/test_overview.py grows MDF data)
    # + the Earnings section (commissions, issue 16)
    *[("/admin/partners/partner/{partner}/overview/", role, 51) for role in STAFF],
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    """Every page counted at SMALL and at LARGE, growing the world once."""
    world = world_store.world("ours")
    pages = [(url, role) for url, role, _budget in PAGES]
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def measure() -> dict:
            return count_all(
                pages,
                lambda p: page_queries(clients[p[1]], p[0].format(partner=world.partner.pk)),
            )

        grow(world, SMALL)
        small = measure()
        grow(world, LARGE - SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_workspace_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
