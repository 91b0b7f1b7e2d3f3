"""The portal's Learning pages: targeting by segment, the player, and private files."""

import pytest
from django_scopes import scope

from partners.models import Partner, PartnerType, Segment
from prm.tenancy.roles import Role
from training.models import Enrolment, ModuleCompletion

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(ours, rep, host_client):
    return host_client(ours.host, rep)


def test_learning_shows_the_course_in_progress_with_resume_and_time_left(ours, rep_client):
    page = rep_client.get("/learning/").content.decode()
    assert "In progress" in page
    assert ours.course.title in page
    assert "1 of 3 modules done" in page
    assert "Resume" in page


def test_the_catalogue_leaves_out_a_course_for_another_segment(ours, rep_client):
    page = rep_client.get("/learning/").content.decode()
    assert ours.other_course.title not in page
    assert rep_client.get(f"/learning/courses/{ours.other_course.pk}/").status_code == 404


def in_emea(world):
    """Partner A in Europe (the world's companies have no region)."""
    Partner.objects.filter(pk=world.partner.pk).update(region=Partner.Region.EMEA)


def test_a_partner_in_the_courses_segment_sees_it(ours, rep_client):
    with scope(tenant=ours.tenant):
        in_emea(ours)
        segment = Segment.objects.create(tenant=ours.tenant, name="EMEA too", regions=["emea"])
        ours.other_course.segments.add(segment)
    page = rep_client.get("/learning/").content.decode()
    assert ours.other_course.title in page
    assert rep_client.get(f"/learning/courses/{ours.other_course.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("regions", "types", "sees"),
    [
        ([], False, True),  # a segment of every partner
        (["emea"], False, True),
        (["apac"], False, False),
        (["emea"], True, False),  # right region, another partner type
        (["apac", "emea"], False, True),
    ],
)
def test_targeting_follows_the_segment_rule(ours, rep_client, regions, types, sees):
    with scope(tenant=ours.tenant):
        in_emea(ours)
        course = ours.other_course
        course.segments.clear()
        segment = Segment.objects.create(tenant=ours.tenant, name="Matrix", regions=regions)
        if types:
            segment.partner_types.add(  # a type partner A (a reseller) is not
                PartnerType.objects.create(tenant=ours.tenant, name="Distributor")
            )
        course.segments.add(segment)
    page = rep_client.get("/learning/").content.decode()
    assert (course.title in page) is sees
    opened = rep_client.get(f"/learning/courses/{course.pk}/").status_code
    assert opened == (200 if sees else 404)


def test_resume_opens_the_first_module_not_done(ours, rep_client):
    page = rep_client.get(f"/learning/courses/{ours.course.pk}/").content.decode()
    video = ours.course_modules["video"]
    assert f"/learning/courses/{ours.course.pk}/modules/{video.pk}/" in page
    assert "Resume: video module" in page


def test_the_player_embeds_the_privacy_enhanced_player(ours, rep_client):
    video = ours.course_modules["video"]
    page = rep_client.get(f"/learning/courses/{ours.course.pk}/modules/{video.pk}/")
    assert page.status_code == 200
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in page.content.decode()
    assert (
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
        in page["Content-Security-Policy"]
    )


def test_mark_complete_goes_on_to_the_next_module_and_the_last_completes(ours, rep, rep_client):
    course, modules = ours.course, ours.course_modules
    response = rep_client.post(
        f"/learning/courses/{course.pk}/modules/{modules['video'].pk}/complete/"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/learning/courses/{course.pk}/modules/{modules['file'].pk}/"
    response = rep_client.post(
        f"/learning/courses/{course.pk}/modules/{modules['file'].pk}/complete/"
    )
    assert response["Location"] == f"/learning/courses/{course.pk}/"
    with scope(tenant=ours.tenant):
        enrolment = Enrolment.objects.get(pk=ours.enrolment.pk)
        assert enrolment.completed_at is not None
        assert ModuleCompletion.objects.filter(enrolment=enrolment).count() == 3
    assert "Completed" in rep_client.get("/learning/").content.decode()


def test_starting_opens_the_first_module(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.post(f"/learning/courses/{ours.course.pk}/start/")
    first = ours.course_modules["text"]
    assert response["Location"] == f"/learning/courses/{ours.course.pk}/modules/{first.pk}/"


def test_the_file_is_served_privately_to_whom_the_course_targets(ours, rep_client):
    url = f"/learning/courses/{ours.course.pk}/modules/{ours.course_modules['file'].pk}/file/"
    response = rep_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_files_answer_404_to_another_partner_another_tenant_and_send_anonymous_to_sign_in(
    ours, theirs, rep_client, host_client
):
    # the course for a segment partner A is not in: its file, and its cover
    other = ours.other_course
    module = ours.other_course_module
    assert (
        rep_client.get(f"/learning/courses/{other.pk}/modules/{module.pk}/file/").status_code == 404
    )
    assert rep_client.get(f"/learning/courses/{other.pk}/cover/").status_code == 404
    # another tenant's course file, asked on our host and on theirs by our member
    theirs_url = (
        f"/learning/courses/{theirs.course.pk}/modules/{theirs.course_modules['file'].pk}/file/"
    )
    assert rep_client.get(theirs_url).status_code == 404
    # a module of our course asked under another course's URL
    mixed = f"/learning/courses/{ours.course.pk}/modules/{module.pk}/file/"
    assert rep_client.get(mixed).status_code == 404
    # anonymous: sent to sign in, like every page
    url = f"/learning/courses/{ours.course.pk}/modules/{ours.course_modules['file'].pk}/file/"
    anonymous = host_client(ours.host).get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]


def test_nothing_of_a_course_is_under_the_public_media_url(ours, settings):
    stored = ours.course_modules["file"].file
    assert stored.storage.location != settings.MEDIA_ROOT
    assert not str(stored.storage.location).startswith(str(settings.MEDIA_ROOT))


def test_staff_are_sent_to_the_admin_ui_from_learning(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get("/learning/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
