"""The Learning page with paths and certifications, the path page, the home page's cards and
the admin lists of paths, certifications and holders cost the same number of queries whatever
the number of paths, courses in them, certifications and awards (no N+1)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, Segment
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back
from tests.worlds import published_course_rows
from training.models import Certification, CertificationAward, Enrolment, LearningPath, PathCourse

SMALL, LARGE = 3, 15
pytestmark = pytest.mark.xdist_group("budgets-training-paths")

PATH = "{path}"
CERT = "{cert}"
PAGES = [
    # (url, role, budget)
    # the courses' segments (2), the counts, the courses in progress and completed, the
    # courses in published paths (2), the paths (5 with their segments, courses and
    # certifications), the newest courses not started, the awards
    ("/learning/", Role.PARTNER_REP, 20),  # + the Earnings entry for a rep (issue 16)
    ("/learning/", Role.PARTNER_ADMIN, 18),
    # the catalogue, locks read from the paths (see test_budgets.py)
    ("/learning/catalogue/", Role.PARTNER_REP, 19),
    ("/learning/catalogue/?status=not_started", Role.PARTNER_REP, 19),
    # the path (3 with the segments), then the Learning page's reads
    (f"/learning/paths/{PATH}/", Role.PARTNER_REP, 18),
    # the "Certification expiring" card: 1 query of its own
    ("/", Role.PARTNER_REP, 23),  # + the Funds, Earnings and surveys-waiting cards
    ("/admin/training/learningpath/", Role.PARTNER_OPS, 8),
    ("/admin/training/certification/", Role.PARTNER_OPS, 8),
    ("/admin/training/certification/", Role.CAM, 9),
    (f"/admin/training/certification/{CERT}/holders/", Role.PARTNER_OPS, 7),
    (f"/admin/training/certification/{CERT}/holders/", Role.CAM, 8),
    # the partner page with its "Training" section (4 queries of its own) and its "MDF" one (7)
    # + the Earnings section (commissions, issue 16)
    ("/admin/partners/partner/{partner}/overview/", Role.CAM, 51),
]


def grow(world, start: int, end: int) -> None:
    """Paths of three courses (for partner A's segment and for another), certifications of
    each, awards held by partner A's rep (valid, expired, expiring) and by new users of both
    partners, and enrolments in the paths' courses."""
    rep = world.members[Role.PARTNER_REP]
    tenant = world.tenant
    now = timezone.now()
    with scope(tenant=tenant):
        emea = Segment.objects.get_or_create(tenant=tenant, name="Paths EMEA", regions=["emea"])[0]
        apac = Segment.objects.get_or_create(tenant=tenant, name="Paths APAC", regions=["apac"])[0]
        for i in range(start, end):
            path = LearningPath.objects.create(
                tenant=tenant, title=f"Grown path {i}", status=LearningPath.Status.PUBLISHED
            )
            path.segments.set([emea if i % 2 else apac])
            for position in (1, 2, 3):
                course, _modules = published_course_rows(
                    tenant, f"Path {i} course {position}", segments=[emea]
                )
                PathCourse.objects.create(
                    tenant=tenant, path=path, course=course, position=position,
                    required=position < 3,
                )  # fmt: skip
                if position == 1:
                    Enrolment.objects.create(
                        tenant=tenant, course=course, version=course.current_version,
                        membership=rep, started_at=now, completed_modules=3,
                        completed_at=now,
                    )  # fmt: skip
            # a step of the world's path too: more courses on the world path's page
            extra, _modules = published_course_rows(tenant, f"World step {i}")
            PathCourse.objects.create(tenant=tenant, path=world.path, course=extra, position=10 + i)
            cert = Certification.objects.create(
                tenant=tenant, name=f"Grown cert {i}", path=path, validity_months=12
            )
            expires = now + timedelta(days=[400, -5, 20][i % 3])
            for member in (
                rep,
                partner_membership(world.partner, Role.PARTNER_REP),
                partner_membership(world.other_partner, Role.PARTNER_REP),
            ):
                for certification in (cert, world.certification):
                    CertificationAward.objects.create(
                        tenant=tenant, certification=certification, membership=member,
                        partner=member.partner, earned_at=now - timedelta(days=300),
                        expires_at=expires,
                    )  # fmt: skip


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        with scope(tenant=world.tenant):
            Partner.objects.filter(pk=world.partner.pk).update(region=Partner.Region.EMEA)
        clients = Clients(world)

        def url_of(url: str) -> str:
            return url.format(
                path=world.path.pk, cert=world.certification.pk, partner=world.partner.pk
            )

        def measure() -> dict:
            pages = [(url, role) for url, role, _budget in PAGES]
            return count_all(pages, lambda p: page_queries(clients[p[1]], url_of(p[0])))

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_paths_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
