"""The Learning page as the learner's desk (in progress, recommended, the last completed) and the
catalogue page (search, status filter, pages of 24, locks, empty states)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import published_course_rows
from training.models import Course, CourseVersion, Enrolment, LearningPath, PathCourse
from training.selectors import courses_for_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(ours, rep, host_client):
    return host_client(ours.host, rep)


def course(world, title, *, days_ago=0, summary=None):
    """A published course for every partner, published `days_ago` days ago."""
    found, _modules = published_course_rows(world.tenant, title)
    CourseVersion.objects.filter(pk=found.current_version_id).update(
        published_at=timezone.now() - timedelta(days=days_ago),
        **({"summary": summary} if summary is not None else {}),
    )
    return found


def enrol(world, member, found, *, completed_days_ago=None, updated_days_ago=0):
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        tenant=world.tenant, course=found, version=found.current_version, membership=member,
        started_at=now, completed_modules=3 if completed_days_ago is not None else 1,
        completed_at=now - timedelta(days=completed_days_ago)
        if completed_days_ago is not None else None,
    )  # fmt: skip
    Enrolment.objects.filter(pk=enrolment.pk).update(
        updated_at=now - timedelta(days=updated_days_ago)
    )
    return enrolment


def section(page: str, element_id: str) -> str:
    """The HTML of the element with `element_id` up to the end of its section."""
    start = page.index(f'id="{element_id}"')
    end = page.find("</section>", start)
    return page[start : end if end != -1 else len(page)]


def titles_in(html: str) -> list[str]:
    return re.findall(r'id="course-\d+-title"><a href="[^"]+">([^<]+)</a>', html)


# The Learning page -------------------------------------------------------------------------


def test_recommended_puts_the_paths_next_courses_first_then_required_then_newest(
    ours, rep, rep_client
):
    with scope(tenant=ours.tenant):
        path = LearningPath.objects.create(
            tenant=ours.tenant, title="Onboarding", status=LearningPath.Status.PUBLISHED
        )
        first = course(ours, "Zeta first step", days_ago=30)
        locked = course(ours, "Locked second step", days_ago=1)
        open_required = course(ours, "Open required step", days_ago=40)
        optional = course(ours, "Optional extra", days_ago=50)
        for position, step in enumerate([first, locked], start=1):
            PathCourse.objects.create(tenant=ours.tenant, path=path, course=step, position=position)
        PathCourse.objects.create(
            tenant=ours.tenant, path=path, course=open_required, position=3, open_from_start=True
        )
        PathCourse.objects.create(
            tenant=ours.tenant, path=path, course=optional, position=4, required=False,
            open_from_start=True,
        )  # fmt: skip
        newest = course(ours, "Brand new course", days_ago=0)
        older = course(ours, "Older course", days_ago=10)
    page = rep_client.get("/learning/").content.decode()
    shown = titles_in(section(page, "recommended-courses"))
    # the path's next course, its other required course open now, then the newest published:
    # the optional step (50 days old) comes last, the locked one never, nor the started one
    assert shown[:4] == [first.title, open_required.title, newest.title, older.title]
    assert locked.title not in shown
    assert ours.course.title not in shown  # in progress
    assert shown[-1] == optional.title


def test_recommended_shows_at_most_six_and_links_to_the_catalogue(ours, rep_client):
    with scope(tenant=ours.tenant):
        for i in range(8):
            course(ours, f"Course {i}", days_ago=i)
    page = rep_client.get("/learning/").content.decode()
    shown = titles_in(section(page, "recommended-courses"))
    assert shown == [f"Course {i}" for i in range(6)]  # the newest first
    assert 'id="catalogue-link" href="/learning/catalogue/"' in page


def test_the_browse_link_counts_every_course_offered(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        for i in range(3):
            course(ours, f"Counted {i}")
        total = courses_for_learner(rep).count()
    assert total >= 4  # the world's course and these three
    page = rep_client.get("/learning/").content.decode()
    assert f"Browse all {total} courses" in page
    catalogue = rep_client.get("/learning/catalogue/").content.decode()
    assert f"{total} courses" in section(catalogue, "catalogue-count")


def test_completed_shows_the_count_and_the_three_latest(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        done = [course(ours, f"Done {i}") for i in range(4)]
        for i, found in enumerate(done):
            enrol(ours, rep, found, completed_days_ago=i + 1)
    page = rep_client.get("/learning/").content.decode()
    completed = section(page, "learning-completed")
    assert 'id="completed-count">4<' in completed
    assert titles_in(completed) == ["Done 0", "Done 1", "Done 2"]  # the most recent first
    assert "See all 4 completed courses" in completed
    assert 'href="/learning/catalogue/?status=completed"' in completed


def test_in_progress_shows_twelve_most_recent_and_links_to_the_rest(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        going_before = Enrolment.objects.filter(membership=rep, completed_at__isnull=True)
        before = going_before.update(updated_at=timezone.now() - timedelta(days=99))
        for i in range(13):
            enrol(ours, rep, course(ours, f"Going {i:02}"), updated_days_ago=i)
    page = rep_client.get("/learning/").content.decode()
    going = section(page, "courses-in-progress")
    assert titles_in(going) == [f"Going {i:02}" for i in range(12)]  # the most recent
    assert f"See all {13 + before} courses in progress" in going
    assert 'href="/learning/catalogue/?status=in_progress"' in going


def test_a_few_courses_in_progress_show_without_a_link(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        going = Enrolment.objects.filter(membership=rep, completed_at__isnull=True)
        titles = {e.version.title for e in going}
    assert ours.course.title in titles
    page = rep_client.get("/learning/").content.decode()
    assert set(titles_in(section(page, "courses-in-progress"))) == titles
    assert 'id="all-in-progress"' not in page


def test_the_learning_page_without_any_course_says_whom_to_ask(ours, host_client):
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).update(status=Course.Status.DRAFT)
        newcomer = partner_membership(ours.partner, Role.PARTNER_REP)
    page = host_client(ours.host, newcomer).get("/learning/").content.decode()
    assert "No courses for your company yet" in page
    assert "/learning/catalogue/" not in page


# The catalogue -----------------------------------------------------------------------------


def test_the_catalogue_lists_every_course_offered_by_title_with_progress(ours, rep_client):
    with scope(tenant=ours.tenant):
        course(ours, "aardvark basics")
        course(ours, "Zebra selling")
    page = rep_client.get("/learning/catalogue/").content.decode()
    shown = titles_in(page)
    assert shown == sorted(shown, key=str.lower)
    assert {"aardvark basics", "Zebra selling", ours.course.title} <= set(shown)
    assert ours.other_course.title not in shown  # another segment's
    assert "1 of 3 modules done" in page  # the rep's progress in the world's course


def test_the_catalogue_searches_titles_and_summaries_in_any_case(ours, rep_client):
    with scope(tenant=ours.tenant):
        course(ours, "Pricing Masterclass")
        course(ours, "Negotiation", summary="How to handle PRICING objections.")
        course(ours, "Unrelated")
    shown = titles_in(rep_client.get("/learning/catalogue/?q=pricing").content.decode())
    assert shown == ["Negotiation", "Pricing Masterclass"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("not_started", {"Fresh"}),
        ("in_progress", {"Halfway", "WORLD"}),
        ("completed", {"Finished"}),
        ("", {"Fresh", "Halfway", "Finished", "WORLD"}),
        ("nonsense", {"Fresh", "Halfway", "Finished", "WORLD"}),  # refused: left out
    ],
)
def test_the_catalogue_filters_by_status(ours, rep, rep_client, status, expected):
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).exclude(pk=ours.course.pk).update(
            status=Course.Status.DRAFT
        )
        course(ours, "Fresh")
        enrol(ours, rep, course(ours, "Halfway"))
        enrol(ours, rep, course(ours, "Finished"), completed_days_ago=1)
    response = rep_client.get(f"/learning/catalogue/?status={status}")
    assert response.status_code == 200
    shown = {t if t != ours.course.title else "WORLD" for t in titles_in(response.content.decode())}
    assert shown == expected


def test_the_catalogue_status_tabs_count_each_status(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).exclude(pk=ours.course.pk).update(
            status=Course.Status.DRAFT
        )
        course(ours, "Fresh")
        enrol(ours, rep, course(ours, "Finished"), completed_days_ago=1)
    tabs = section(rep_client.get("/learning/catalogue/").content.decode(), "catalogue-status")
    counts = re.findall(r">\s*([A-Za-z ]+?) <span class=\"badge[^\"]*\">(\d+)</span>", tabs)
    assert counts == [("All", "3"), ("Not started", "1"), ("In progress", "1"), ("Completed", "1")]


def test_the_catalogue_pages_by_twenty_four_keeping_the_query(ours, rep_client):
    with scope(tenant=ours.tenant):
        for i in range(30):
            course(ours, f"Paged {i:02}")
    first = rep_client.get("/learning/catalogue/?q=paged").content.decode()
    assert titles_in(first) == [f"Paged {i:02}" for i in range(24)]
    assert "Page 1 of 2" in first
    assert 'href="?page=2&amp;q=paged"' in first
    second = rep_client.get("/learning/catalogue/?q=paged&page=2").content.decode()
    assert titles_in(second) == [f"Paged {i:02}" for i in range(24, 30)]
    # a page past the end or not a number shows a page, never an error
    assert rep_client.get("/learning/catalogue/?q=paged&page=99").status_code == 200
    assert rep_client.get("/learning/catalogue/?page=%C2%B2").status_code == 200


def test_the_catalogue_shows_a_lock_instead_of_start(ours, rep_client):
    with scope(tenant=ours.tenant):
        locked = course(ours, "After the basics")
        PathCourse.objects.create(tenant=ours.tenant, path=ours.path, course=locked, position=2)
    page = rep_client.get("/learning/catalogue/?q=after").content.decode()
    assert f"Unlocks when you pass {ours.course.title}" in page
    assert f'action="/learning/courses/{locked.pk}/start/"' not in page


def test_the_catalogue_says_when_nothing_matches_and_how_to_clear(ours, rep_client):
    page = rep_client.get("/learning/catalogue/?q=quantum&status=completed").content.decode()
    assert 'id="catalogue-no-match"' in page
    assert "No course matches your search" in page
    assert 'href="/learning/catalogue/?status=completed"' in page  # the search cleared


def test_the_catalogue_without_any_course_says_whom_to_ask(ours, host_client):
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).update(status=Course.Status.DRAFT)
        newcomer = partner_membership(ours.partner, Role.PARTNER_REP)
    page = host_client(ours.host, newcomer).get("/learning/catalogue/").content.decode()
    assert 'id="catalogue-empty"' in page
    assert "No courses for your company yet" in page


def test_the_catalogue_ignores_a_refused_search(ours, rep_client):
    response = rep_client.get("/learning/catalogue/?q=%00x")
    assert response.status_code == 200
    assert ours.course.title in titles_in(response.content.decode())


def test_staff_are_sent_to_the_admin_ui_from_the_catalogue(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get("/learning/catalogue/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_recommended_explains_when_every_course_left_is_locked(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).exclude(pk=ours.course.pk).update(
            status=Course.Status.DRAFT
        )
        locked = course(ours, "After the basics")
        PathCourse.objects.create(tenant=ours.tenant, path=ours.path, course=locked, position=2)
    page = rep_client.get("/learning/").content.decode()
    assert 'id="recommended-courses"' not in page
    assert "The courses you have not started yet are locked" in section(page, "nothing-recommended")


def test_recommended_says_when_every_course_is_started(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).exclude(pk=ours.course.pk).update(
            status=Course.Status.DRAFT
        )
    page = rep_client.get("/learning/").content.decode()
    assert "You have started every course offered to you" in section(page, "nothing-recommended")


def test_the_status_tabs_count_what_the_search_finds(ours, rep, rep_client):
    with scope(tenant=ours.tenant):
        course(ours, "Pricing basics")
        enrol(ours, rep, course(ours, "Pricing advanced"), completed_days_ago=1)
    tabs = section(
        rep_client.get("/learning/catalogue/?q=pricing").content.decode(), "catalogue-status"
    )
    counts = re.findall(r">\s*([A-Za-z ]+?) <span class=\"badge[^\"]*\">(\d+)</span>", tabs)
    assert counts == [("All", "2"), ("Not started", "1"), ("In progress", "0"), ("Completed", "1")]
