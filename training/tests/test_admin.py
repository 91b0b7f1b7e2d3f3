"""The course builder in the admin UI: modules inline, files checked by content, a confirmed
Publish, the preview, and who may do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from prm.submissions.tokens import new_token
from prm.tenancy.roles import Role
from tests.worlds import SMALL_PDF
from training.models import Course, Module

pytestmark = pytest.mark.django_db


def builder_data(**modules):
    data = {
        "title": "Partner onboarding 101",
        "summary": "The first steps.",
        "estimated_minutes": "15",
        "form_token": new_token(),
        "modules-TOTAL_FORMS": str(len(modules)),
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
    }
    for i, (key, fields) in enumerate(modules.items()):
        base = {"position": str(i + 1), "title": key, "minutes": "5", "body_html": "",
                "video_url": ""}  # fmt: skip
        data.update({f"modules-{i}-{name}": value for name, value in {**base, **fields}.items()})
    return data


@pytest.fixture
def ops_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def test_ops_build_a_course_with_text_video_and_file_modules(ours, ops_client):
    pdf = SimpleUploadedFile("deck.pdf", SMALL_PDF, content_type="application/pdf")
    data = builder_data(
        Intro={"kind": "text", "body_html": "<p>Hello</p><script>x()</script>"},
        Demo={"kind": "video", "video_url": "https://youtu.be/aqz-KE-bpKQ"},
        Deck={"kind": "file", "file": pdf},
    )
    response = ops_client.post("/admin/training/course/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scope(tenant=ours.tenant):
        course = Course.objects.get(title="Partner onboarding 101")
        modules = list(Module.objects.filter(course=course))
    assert [m.kind for m in modules] == ["text", "video", "file"]
    assert modules[0].body_html == "<p>Hello</p>"
    assert modules[2].file_name == "deck.pdf"
    assert modules[2].content_type == "application/pdf"
    assert course.status == Course.Status.DRAFT


def test_a_file_module_refuses_what_is_not_a_pdf_or_slides(ours, ops_client):
    fake = SimpleUploadedFile("deck.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data = builder_data(Deck={"kind": "file", "file": fake})
    response = ops_client.post("/admin/training/course/add/", data)
    assert response.status_code == 200
    assert "Upload a PDF or slides" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert not Course.objects.filter(title="Partner onboarding 101").exists()


def test_a_video_from_another_host_is_refused_beside_the_field(ours, ops_client):
    data = builder_data(Demo={"kind": "video", "video_url": "https://videos.example/x"})
    response = ops_client.post("/admin/training/course/add/", data)
    assert response.status_code == 200
    assert "YouTube or Vimeo" in response.content.decode()


def test_publish_is_confirmed_then_makes_the_next_version(ours, ops_client):
    url = f"/admin/training/course/{ours.course.pk}/publish/"
    page = ops_client.get(url)
    assert page.status_code == 200
    assert "Learners who already started version 1" in page.content.decode()
    response = ops_client.post(url, {})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        course = Course.objects.get(pk=ours.course.pk)
        assert course.current_version.number == 2


def test_the_preview_shows_the_draft_as_partners_will_see_it(ours, ops_client):
    page = ops_client.get(f"/admin/training/course/{ours.course.pk}/preview/").content.decode()
    assert "youtube-nocookie.com/embed/aqz-KE-bpKQ" in page
    assert "Every partner sees it." in page
    assert "playbook.pdf" in page


def test_a_cam_sees_courses_but_cannot_publish(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/training/course/").status_code == 200
    assert cam.get(f"/admin/training/course/{ours.course.pk}/publish/").status_code == 403


def test_the_partner_page_shows_its_users_training(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(f"/admin/partners/partner/{ours.partner.pk}/overview/").content.decode()
    assert 'id="training-enrolments"' in page
    assert ours.course.title in page
    # partner B is not the CAM's: its page is not theirs to see at all
    assert cam.get(f"/admin/partners/partner/{ours.other_partner.pk}/overview/").status_code == 404
