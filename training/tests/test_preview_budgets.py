"""The course preview as a partner of a segment costs the same number of queries whatever the
number of segments, paths holding the course, and steps in them (no N+1)."""

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Segment
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back
from tests.worlds import published_course_rows
from training.models import LearningPath, PathCourse

SMALL, LARGE = 3, 15
pytestmark = pytest.mark.xdist_group("budgets-training-preview")

#: the course's modules and the admin's own (8), the tenant's segments, the paths holding the
#: course with their segments (2), their steps, their courses' segments
BUDGET = 13
QUERIES = ["", "?segment={segment}"]


def grow(world, start: int, end: int) -> None:
    """Per step: a segment, a published path for it holding a new course then the world's
    course (locked behind it), and one for every partner holding the world's course."""
    tenant = world.tenant
    now = timezone.now()
    with scope(tenant=tenant):
        for i in range(start, end):
            segment = Segment.objects.create(tenant=tenant, name=f"Preview segment {i}")
            first, _modules = published_course_rows(tenant, f"Preview first {i}", [segment])
            for title, segments in ((f"Preview path {i}", [segment, world.segment]),
                                    (f"Preview open path {i}", [])):  # fmt: skip
                path = LearningPath.objects.create(
                    tenant=tenant, title=title, status=LearningPath.Status.PUBLISHED,
                    published_at=now,
                )  # fmt: skip
                path.segments.set(segments)
                PathCourse.objects.create(tenant=tenant, path=path, course=first, position=1)
                PathCourse.objects.create(tenant=tenant, path=path, course=world.course, position=2)


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        base = f"/admin/training/course/{world.course.pk}/preview/"

        def measure() -> dict:
            def one(query: str) -> int:
                url = base + query.format(segment=world.segment.pk)
                return page_queries(clients[Role.PARTNER_OPS], url)

            return count_all(QUERIES, one)

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_the_preview_as_a_segment_costs_the_same_queries_at_two_sizes(counts, query):
    assert_budget(counts[query], BUDGET)
