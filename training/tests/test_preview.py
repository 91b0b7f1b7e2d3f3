"""The course preview as a partner of a chosen segment: whether that segment is offered the
course, and in which of its published paths the course sits, with what unlocks it."""

import re

import pytest
from django_scopes import scope

from partners.models import Segment
from prm.tenancy.roles import Role
from tests.worlds import published_course_rows
from training.models import Course, LearningPath, PathCourse

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def preview(client, course, segment=None) -> str:
    query = "" if segment is None else f"?segment={segment}"
    response = client.get(f"/admin/training/course/{course.pk}/preview/{query}")
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str, element_id: str) -> str:
    """The words inside the element with `element_id` (tags dropped, spaces folded)."""
    start = html.rindex("<", 0, html.index(f'id="{element_id}"'))
    tag = re.match(r"<(\w+)", html[start:]).group(1)  # type: ignore[union-attr]
    chunk = html[start : html.index(f"</{tag}>", start)]
    return " ".join(re.sub(r"<[^>]+>", "", chunk.split(">", 1)[1]).split())


def apac(world) -> Segment:
    return Segment.objects.get(tenant=world.tenant, name="Asia-Pacific")


def test_the_chooser_offers_every_partner_and_each_segment_of_the_tenant(ours, theirs, ops_client):
    html = preview(ops_client, ours.course)
    chooser = html[html.index('id="preview-as"') : html.index("</form>", html.index("preview-as"))]
    assert "Every partner (any segment)" in chooser
    with scope(tenant=ours.tenant):
        for segment in Segment.objects.filter(tenant=ours.tenant):
            assert f'value="{segment.pk}">{segment.name}<' in chooser
    with scope(tenant=theirs.tenant):
        for segment in Segment.objects.filter(tenant=theirs.tenant):
            assert f'value="{segment.pk}"' not in chooser


def test_a_course_for_every_partner_is_offered_to_a_segment_with_its_place_in_the_path(
    ours, ops_client
):
    html = preview(ops_client, ours.course, ours.segment.pk)
    assert f'<option value="{ours.segment.pk}" selected>' in html
    audience = text_of(html, "preview-audience")
    assert f"Offered to partners in {ours.segment.name}." in audience
    assert "The course is for every partner." in audience
    assert "This is what partners see: version 1, published." in audience
    paths = text_of(html, "preview-paths")
    assert f"In the learning paths of {ours.segment.name}" in paths
    assert f"{ours.path.title} (for every partner): course 1 of 1, required." in paths
    assert "Open from the start." in paths
    # the APAC path does not target this segment (and does not hold the course anyway)
    assert ours.other_path.title not in paths


def test_a_course_for_another_segment_is_not_offered_and_shows_no_paths(ours, ops_client):
    html = preview(ops_client, ours.other_course, ours.segment.pk)
    audience = text_of(html, "preview-audience")
    assert f"Not offered to partners in {ours.segment.name}." in audience
    assert "The course is only for these segments: Asia-Pacific." in audience
    assert 'id="preview-paths"' not in html
    # the modules still show as learners see them
    assert 'id="preview-module-1"' in html

    with scope(tenant=ours.tenant):
        segment = apac(ours)
    html = preview(ops_client, ours.other_course, segment.pk)
    assert "Offered to partners in Asia-Pacific." in text_of(html, "preview-audience")
    paths = text_of(html, "preview-paths")
    assert f"{ours.other_path.title} (for Asia-Pacific): course 1 of 1, required." in paths


def test_a_later_step_shows_what_unlocks_it(ours, ops_client):
    with scope(tenant=ours.tenant):
        second, _modules = published_course_rows(ours.tenant, "Objection handling")
        PathCourse.objects.create(tenant=ours.tenant, path=ours.path, course=second, position=2)
    paths = text_of(preview(ops_client, second, ours.segment.pk), "preview-paths")
    assert f"{ours.path.title} (for every partner): course 2 of 2, required." in paths
    assert f"Locked until the learner passes {ours.course.title}." in paths


def test_a_prerequisite_the_segment_is_not_offered_does_not_lock(ours, ops_client):
    """As for learners (`build_path`): a step the segment does not get cannot hold it back."""
    with scope(tenant=ours.tenant):
        second, _modules = published_course_rows(ours.tenant, "Objection handling")
        PathCourse.objects.create(
            tenant=ours.tenant, path=ours.other_path, course=second, position=2
        )
        segment = apac(ours)
        ours.other_path.segments.add(ours.segment)
    paths = text_of(preview(ops_client, second, ours.segment.pk), "preview-paths")
    assert f"{ours.other_path.title} (for " in paths
    assert "course 1 of 1, required. Open from the start." in paths
    paths = text_of(preview(ops_client, second, segment.pk), "preview-paths")
    assert "course 2 of 2, required." in paths
    assert f"Locked until the learner passes {ours.other_course.title}." in paths


def test_without_a_segment_every_path_holding_the_course_is_listed(ours, ops_client):
    with scope(tenant=ours.tenant):
        PathCourse.objects.create(
            tenant=ours.tenant, path=ours.other_path, course=ours.course, position=2
        )
        segment = apac(ours)
    html = preview(ops_client, ours.course)
    assert "Partners in these segments see it" not in html
    assert "Every partner sees it." in text_of(html, "preview-audience")
    paths = text_of(html, "preview-paths")
    assert f"{ours.path.title} (for every partner)" in paths
    assert f"{ours.other_path.title} (for Asia-Pacific)" in paths
    # as EMEA, only the path that targets EMEA
    paths = text_of(preview(ops_client, ours.course, ours.segment.pk), "preview-paths")
    assert ours.other_path.title not in paths
    paths = text_of(preview(ops_client, ours.course, segment.pk), "preview-paths")
    assert ours.other_path.title in paths
    assert ours.path.title in paths


def test_draft_paths_and_draft_courses_are_not_shown_in_paths(ours, ops_client):
    with scope(tenant=ours.tenant):
        LearningPath.objects.filter(pk=ours.path.pk).update(status=LearningPath.Status.DRAFT)
        draft = Course.objects.create(tenant=ours.tenant, title="Still being written")
    paths = text_of(preview(ops_client, ours.course, ours.segment.pk), "preview-paths")
    assert ours.path.title not in paths
    assert f"No published learning path for {ours.segment.name} holds this course" in paths
    paths = text_of(preview(ops_client, draft, ours.segment.pk), "preview-paths")
    assert "A path shows the course once it is published." in paths


@pytest.mark.parametrize(
    "value", ["abc", "0", "-1", "99999999999999999999999", "²", "1\x00", "1 OR 1=1"]
)
def test_a_bad_segment_is_ignored(ours, ops_client, value):
    html = ops_client.get(
        f"/admin/training/course/{ours.course.pk}/preview/", {"segment": value}
    ).content.decode()
    assert "Every partner sees it." in html
    assert "Offered to partners in" not in html


def test_another_tenants_segment_is_ignored(ours, theirs, ops_client):
    html = preview(ops_client, ours.course, theirs.segment.pk)
    assert "Every partner sees it." in html
    assert theirs.segment.name not in text_of(html, "preview-audience")
    assert ops_client.get(f"/admin/training/course/{theirs.course.pk}/preview/").status_code == 404


def test_the_quiz_shows_without_its_answers_in_a_segment_preview(ours, ops_client):
    html = preview(ops_client, ours.quiz_course, ours.segment.pk)
    assert "When do you register a deal?" in html
    assert "Before the first proposal" in html
    assert "checked" not in html
    assert "is_correct" not in html
    assert "Because of rule" not in html


def test_a_cam_may_preview_as_a_segment(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/training/course/{ours.course.pk}/preview/"
    response = cam.get(url, {"segment": ours.segment.pk})
    assert response.status_code == 200
    assert f"Offered to partners in {ours.segment.name}." in response.content.decode()


def test_the_preview_says_whether_partners_see_this_draft(ours, ops_client):
    with scope(tenant=ours.tenant):
        Course.objects.filter(pk=ours.course.pk).update(has_changes=True)
        draft = Course.objects.create(tenant=ours.tenant, title="Still being written")
    html = preview(ops_client, ours.course, ours.segment.pk)
    assert "with changes partners do not see until you publish them" in html
    html = preview(ops_client, draft)
    assert "This is the draft; partners see it once it is published." in html
