"""The completion report and its CSV files cost the same number of queries whatever the number
of courses, partners, learners and enrolments (every figure is an aggregate in SQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.models import Segment, Tier
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
from tests.worlds import published_course_rows
from training.models import Enrolment

SMALL, LARGE = 3, 15
pytestmark = pytest.mark.xdist_group("budgets-training-report")

REPORT = "/admin/training/reports/"
FILTERED = "?tier={tier}&segment={segment}&started_from=2020-01-01&sort=-rate"
PAGES = [
    # (url, role, budget): the form's choices (courses, tiers, segments and their types, CAMs),
    # the page of courses and its count, their segments, the targeted learners, the tiers
    (REPORT, Role.PROGRAM_LEADER, 17),
    (REPORT, Role.CAM, 16),
    (REPORT + FILTERED + "&cam={cam}", Role.PROGRAM_LEADER, 17),
    # the course and its segments (3), its totals (4), per tier (3), the page of partners and
    # its count
    (REPORT + "courses/{course}/", Role.PROGRAM_LEADER, 21),
    (REPORT + "courses/{course}/", Role.CAM, 20),
    (REPORT + "courses/{course}/" + FILTERED, Role.PARTNER_OPS, 21),
]
EXPORTS = [
    (REPORT + "completion.csv", Role.PROGRAM_LEADER, 13),
    (REPORT + "completion.csv", Role.CAM, 12),
    (REPORT + "courses/{course}/partners.csv", Role.PROGRAM_LEADER, 12),
    (REPORT + "courses/{course}/partners.csv", Role.CAM, 11),
]


def grow(world, course, segment, tier, start: int, end: int) -> None:
    """Per step: a partner in the segment and tier with two learners (one passed the course,
    one started it) assigned to the CAM every other time, and a course for the segment that
    both started."""
    now = timezone.now()
    tenant = world.tenant
    cam = world.members[Role.CAM]
    with scope(tenant=tenant):
        for i in range(start, end):
            partner = PartnerFactory(
                tenant=tenant, name=f"Grown partner {i}", region="emea", tier=tier
            )
            if i % 2:
                assign_perm(MANAGE_PARTNER, cam.user, partner)
            learners = [partner_membership(partner, Role.PARTNER_REP) for _ in range(2)]
            other, _modules = published_course_rows(tenant, f"Grown {i}", segments=[segment])
            for n, learner in enumerate(learners):
                for each in (course, other):
                    Enrolment.objects.create(
                        tenant=tenant, course=each, version=each.current_version,
                        membership=learner, started_at=now - timedelta(days=5 + i),
                        completed_modules=1, completed_at=now if n == 0 else None,
                    )  # fmt: skip


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        with scope(tenant=world.tenant):
            segment = Segment.objects.create(tenant=world.tenant, name="Grown", regions=["emea"])
            tier = Tier.objects.create(tenant=world.tenant, name="Grown tier", rank=7)
            course, _modules = published_course_rows(
                world.tenant, "Report budget", segments=[segment]
            )
        clients = Clients(world)
        values = {
            "course": course.pk,
            "tier": tier.pk,
            "segment": segment.pk,
            "cam": world.members[Role.CAM].pk,
        }

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

        grow(world, course, segment, tier, 0, SMALL)
        small = measure()
        grow(world, course, segment, tier, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "budget"), PAGES + EXPORTS, ids=[f"{p[0]}-{p[1]}" for p in PAGES + EXPORTS]
)
def test_report_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
