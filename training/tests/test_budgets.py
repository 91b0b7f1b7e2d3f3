"""The Learning pages, the course player and the admin course list cost the same number of
queries whatever the number of courses, modules, learners and completions (no N+1)."""

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, Segment
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back
from tests.worlds import published_course_rows
from training.models import Enrolment, Module, ModuleCompletion, VersionModule

SMALL, LARGE = 4, 24
pytestmark = pytest.mark.xdist_group("budgets-training")

LONG = "{long}"
FIRST = "{first}"
PAGES = [
    # (url, role, budget)
    # The learner's desk: the partner's segments (2), the counts (1 aggregate), the courses in
    # progress and the last completed (1 each, LIMITed; none asked for a count of 0), the
    # courses in published paths and their enrolments (2), the member's paths (2 for the
    # segments, the paths, their courses and certifications), the newest courses not started
    # (1, LIMITed), the member's awards
    ("/learning/", Role.PARTNER_REP, 20),  # + the Earnings entry for a rep (issue 16)
    ("/learning/", Role.PARTNER_ADMIN, 18),
    # the catalogue: the segments (2), the counts, the page's count and rows, their
    # enrolments, and the paths and their courses as above for the locks (7)
    ("/learning/catalogue/", Role.PARTNER_REP, 19),
    # no course on the page to start: no lock to read, no path
    ("/learning/catalogue/?status=in_progress&q=grown", Role.PARTNER_REP, 12),
    (f"/learning/courses/{LONG}/", Role.PARTNER_REP, 12),
    (f"/learning/courses/{LONG}/modules/{FIRST}/", Role.PARTNER_REP, 13),
    # the home page with the "Continue learning" card (4 queries of its own) and the
    # "Certification expiring" card (1: the member's awards)
    ("/", Role.PARTNER_REP, 23),  # + the Funds, Earnings and surveys-waiting cards
    # the enrolments list behind the training metrics, and filtered as a metric's link
    # filters it: as the course list (the session and member, the page's keys and rows with
    # learner, partner and course in one query, the partners of the filter panel)
    ("/admin/training/enrolment/", Role.PROGRAM_LEADER, 8),
    ("/admin/training/enrolment/", Role.CAM, 8),
    ("/admin/training/enrolment/?membership__is_active=1&passed=yes", Role.PROGRAM_LEADER, 8),
    ("/admin/training/course/", Role.PROGRAM_LEADER, 8),
    ("/admin/training/course/", Role.CAM, 8),
    (f"/admin/training/course/{LONG}/change/", Role.PARTNER_OPS, 10),
    # the preview: the tenant's segments for the chooser, the paths holding the course (with
    # their segments), their steps, and their courses' segments (training/tests/test_preview.py
    # grows the paths and segments)
    (f"/admin/training/course/{LONG}/preview/", Role.PARTNER_OPS, 13),
    # the partner page with its "Training" section (4 queries of its own: the counts, the
    # learners, their enrolments, the certifications); 6 more for the MDF section
    # + the Earnings section (commissions, issue 16)
    ("/admin/partners/partner/{partner}/overview/", Role.CAM, 51),
]


def grow(world, long_course, start: int, end: int) -> None:
    """Courses for partner A's segment and for another, half of them started by the rep (one
    module done) and all by partner B's rep; more modules in the long course, done by the rep."""
    rep = world.members[Role.PARTNER_REP]
    tenant = world.tenant
    now = timezone.now()
    with scope(tenant=tenant):
        emea = Segment.objects.get_or_create(tenant=tenant, name="Budget EMEA", regions=["emea"])[0]
        apac = Segment.objects.get_or_create(tenant=tenant, name="Budget APAC", regions=["apac"])[0]
        for i in range(start, end):
            course, modules = published_course_rows(
                tenant, f"Grown course {i}", segments=[emea if i % 2 else apac]
            )
            for learner, done in ((rep, i % 2 == 0), (world.other_partner_rep, True)):
                if learner is rep and i % 4 == 3:
                    continue
                enrolment = Enrolment.objects.create(
                    tenant=tenant, course=course, version=course.current_version,
                    membership=learner, started_at=now, last_module=modules["text"],
                    completed_modules=1, minutes_done=5, completed_at=now if done else None,
                )  # fmt: skip
                ModuleCompletion.objects.create(
                    tenant=tenant, enrolment=enrolment, module=modules["text"], completed_at=now
                )
            version = long_course.current_version
            extra = VersionModule.objects.create(
                tenant=tenant, version=version, position=10 + i, title=f"Part {i}", kind="text",
                body_html="<p>More</p>",
            )  # fmt: skip
            Module.objects.create(
                tenant=tenant, course=long_course, position=10 + i, title=f"Part {i}",
                kind="text", body_html="<p>More</p>",
            )  # fmt: skip
            enrolment = Enrolment.objects.get(course=long_course, membership=rep)
            ModuleCompletion.objects.create(
                tenant=tenant, enrolment=enrolment, module=extra, completed_at=now
            )


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        with scope(tenant=world.tenant):
            Partner.objects.filter(pk=world.partner.pk).update(region=Partner.Region.EMEA)
            long_course = world.course
            first = world.course_modules["text"]
        clients = Clients(world)

        def url_of(url: str) -> str:
            return url.format(long=long_course.pk, first=first.pk, partner=world.partner.pk)

        def measure() -> dict:
            pages = [(url, role) for url, role, _budget in PAGES]
            return count_all(pages, lambda p: page_queries(clients[p[1]], url_of(p[0])))

        grow(world, long_course, 0, SMALL)
        small = measure()
        grow(world, long_course, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_training_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
