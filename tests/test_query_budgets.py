"""Every list page costs the same number of queries whatever the data size (no N+1)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.models import (
    OnboardingPlan,
    OnboardingStep,
    PartnerOnboarding,
    PartnerType,
    ProfileCriterion,
    Segment,
    StepCompletion,
    TierProposal,
)
from partners.tests.factories import (
    ApplicationFactory,
    BusinessPlanFactory,
    PartnerFactory,
    PlanMilestoneFactory,
)
from prm.accounts.tests.factories import InvitationFactory
from prm.audit.services import audit_record
from prm.notifications.models import EmailOutbox, Notification
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, partner_membership

from .budgets import (
    Clients,
    assert_budget,
    at_two_sizes,
    count_all,
    export_queries,
    page_queries,
    rolled_back,
)

SMALL, LARGE = 10, 200
# The counts are measured once per module (the `counts` fixture): keep the module on one
# pytest-xdist worker, or each worker would grow and measure it again.
pytestmark = pytest.mark.xdist_group("budgets-core")
YEAR = timezone.localdate().year


def grow(world, n: int) -> None:
    """Add n of every listed thing to the world: users, invitations, partners (each managed by
    the CAM), audit events."""
    with scope(tenant=world.tenant):
        for i in range(n):
            partner = PartnerFactory(tenant=world.tenant, tier=world.tier)
            assign_perm(MANAGE_PARTNER, world.members[Role.CAM].user, partner)
            TierProposal.objects.create(
                tenant=world.tenant, partner=partner, to_tier=world.tier, is_promotion=True
            )
            segment = Segment.objects.create(tenant=world.tenant, name=f"S{i}-{partner.pk}")
            segment.partner_types.add(world.partner_type)
            partner_membership(world.partner, Role.PARTNER_REP)
            partner_membership(partner, Role.PARTNER_ADMIN)
            InvitationFactory(partner=world.partner)
            cam = MembershipFactory(tenant=world.tenant, role=Role.CAM)
            if i % 2:  # partner A's CAMs, on its home and company page
                assign_perm(MANAGE_PARTNER, cam.user, world.partner)
            audit_record(tenant=world.tenant, actor=None, action=f"test.bulk.{i}", obj=partner)
            ApplicationFactory(
                tenant=world.tenant,
                partner_type=world.partner_type,
                matched_partner=partner,
                is_free_mail=i % 2 == 0,
                score=i % 101,
                must_have_failed=i % 3 == 0,
                country=["DE", "US", "FR", "JP"][i % 4],
            )
            criterion = ProfileCriterion.objects.create(
                tenant=world.tenant, field="partner_type", weight=1 + i % 100
            )
            criterion.partner_types.add(world.partner_type)
            BusinessPlanFactory(partner=partner, year=YEAR)
            PlanMilestoneFactory(plan=world.plan, owner=world.members[Role.PARTNER_ADMIN])
            grow_onboarding(world, partner, i)
        for m in world.members.values():
            Notification.objects.bulk_create(
                Notification(tenant=world.tenant, recipient=m.user, event="e", rule="r",
                             category="account", title=f"N{i}")
                for i in range(n)
            )  # fmt: skip
            EmailOutbox.objects.create(tenant=world.tenant, to_email=m.user.email, subject="s",
                                       body_text="t", body_html="h")  # fmt: skip


def grow_onboarding(world, partner, i: int) -> None:
    """A step more in partner A's plan (every other one done), an onboarding for the new
    partner (a third completed, some stalled), and a plan of its own for a new partner type."""
    step = OnboardingStep.objects.create(
        tenant=world.tenant, plan=world.onboarding_plan, position=10 + i, title=f"Step {i}",
        kind=OnboardingStep.Kind.MANUAL,
    )  # fmt: skip
    if i % 2:
        StepCompletion.objects.create(tenant=world.tenant, onboarding=world.onboarding, step=step,
                                      completed_at=timezone.now())  # fmt: skip
    onboarding = PartnerOnboarding.objects.create(
        tenant=world.tenant, partner=partner, plan=world.onboarding_plan,
        started_at=timezone.now() - timedelta(days=i),
        completed_at=timezone.now() if i % 3 == 0 else None,
    )  # fmt: skip
    if i % 2 == 0:  # the odd ones, started more than a week ago, are stalled
        StepCompletion.objects.create(tenant=world.tenant, onboarding=onboarding, step=step,
                                      completed_at=timezone.now())  # fmt: skip
    kind = PartnerType.objects.create(tenant=world.tenant, name=f"T{i}-{partner.pk}")
    plan = OnboardingPlan.objects.create(tenant=world.tenant, name=f"P{i}", partner_type=kind)
    OnboardingStep.objects.create(tenant=world.tenant, plan=plan, title="Only step",
                                  kind=OnboardingStep.Kind.MANUAL)  # fmt: skip


PAGES = [
    # (url, role, budget)
    # the home page's cards; "Continue learning" (training) reads 4 of them and
    # "Certification expiring" 1
    # + the Funds card (mdf), the Earnings card (commissions), the surveys waiting (partners)
    ("/", Role.PARTNER_ADMIN, 27),
    ("/notifications/", Role.PARTNER_ADMIN, 10),
    ("/admin/notifications/", Role.PROGRAM_LEADER, 12),
    ("/admin/notifications/rulesetting/", Role.PROGRAM_LEADER, 18),
    ("/admin/notifications/emailoutbox/", Role.PROGRAM_LEADER, 16),
    ("/team/", Role.PARTNER_ADMIN, 12),
    ("/program/", Role.PARTNER_ADMIN, 24),
    ("/program/", Role.PARTNER_REP, 24),
    ("/program/company/", Role.PARTNER_ADMIN, 8),
    ("/program/company/", Role.PARTNER_REP, 8),
    ("/program/company/edit/", Role.PARTNER_ADMIN, 8),
    ("/program/rules-of-engagement/", Role.PARTNER_REP, 8),
    ("/", Role.PARTNER_REP, 23),  # + the Funds, Earnings and surveys-waiting cards
    ("/portals/", Role.PARTNER_REP, 10),
    ("/admin/tenancy/membership/", Role.PROGRAM_LEADER, 16),
    ("/admin/accounts/invitation/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/partner/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/partner/", Role.CAM, 16),
    ("/admin/partners/segment/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/tier/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/tierproposal/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/tierproposal/", Role.CAM, 16),
    ("/admin/audit/auditevent/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/application/", Role.PARTNER_OPS, 14),
    ("/admin/partners/profilecriterion/", Role.PARTNER_OPS, 14),
    ("/admin/partners/businessplan/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/businessplan/", Role.CAM, 16),
    (f"/program/plan/{YEAR}/", Role.PARTNER_ADMIN, 12),
    (f"/program/plan/{YEAR}/", Role.PARTNER_REP, 12),
    ("/admin/partners/onboardingplan/", Role.PROGRAM_LEADER, 16),
    ("/admin/partners/onboardingplan/", Role.CAM, 16),
    ("/admin/partners/partneronboarding/", Role.PROGRAM_LEADER, 20),
    ("/admin/partners/partneronboarding/", Role.CAM, 20),
    ("/admin/partners/partneronboarding/?state=stalled", Role.PROGRAM_LEADER, 20),
]


EXPORTS = [
    # (url, role, budget)
    ("/admin/partners/partner/export/", Role.PROGRAM_LEADER, 12),
    ("/admin/partners/partner/export/", Role.CAM, 12),
    ("/admin/partners/application/export/", Role.PARTNER_OPS, 12),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    """Every page and export counted at SMALL and at LARGE, growing the world once."""
    world = world_store.world("ours")
    pages = [(url, role) for url, role, _budget in PAGES]
    exports = [(url, role) for url, role, _budget in EXPORTS]
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)

        def measure() -> dict:
            return {
                **count_all(pages, lambda p: page_queries(clients[p[1]], p[0])),
                **count_all(exports, lambda e: export_queries(clients[e[1]], e[0])),
            }

        grow(world, SMALL)
        small = measure()
        grow(world, LARGE - SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_list_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "budget"), EXPORTS, ids=[f"{e[0]}-{e[1]}" for e in EXPORTS]
)
def test_export_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
