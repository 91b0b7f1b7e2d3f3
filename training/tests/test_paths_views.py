"""The portal's paths and certifications, and their admin pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, PartnerType, Segment
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from tests.worlds import published_course_rows
from training.models import Certification, CertificationAward, Enrolment, LearningPath, PathCourse

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_REP])


@pytest.fixture
def ops_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def second_step(world, title="Step two"):
    """A second required course in the world's path (locked until the world's course)."""
    found, _modules = published_course_rows(world.tenant, title)
    PathCourse.objects.create(tenant=world.tenant, path=world.path, course=found, position=2)
    return found


def test_learning_shows_my_paths_with_progress_next_course_and_locks(ours, rep_client):
    with scope(tenant=ours.tenant):
        locked = second_step(ours)
    page = rep_client.get("/learning/").content.decode()
    assert "My paths" in page
    assert ours.path.title in page
    assert "0 of 2 required courses passed" in page
    assert f"Resume {ours.course.title}" in page  # the rep started it
    assert f"Unlocks when you pass {ours.course.title}" in page
    assert f'action="/learning/courses/{locked.pk}/start/"' not in page  # no Start on a lock
    assert f"Earns {ours.certification.name}" in page


def test_many_paths_show_the_ones_under_way_as_cards_and_the_rest_as_links(ours, rep_client):
    # The world's path is under way for the rep (they started its course); six more are not.
    with scope(tenant=ours.tenant):
        for i in range(6):
            course, _modules = published_course_rows(ours.tenant, f"Extra course {i}")
            path = LearningPath.objects.create(
                tenant=ours.tenant,
                title=f"Extra path {i}",
                status=LearningPath.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            PathCourse.objects.create(tenant=ours.tenant, path=path, course=course, position=1)
    page = rep_client.get("/learning/").content.decode()
    cards, rest = page.split('id="more-paths"')
    assert cards.count('class="card h-100 learning-path"') == 4
    assert ours.path.title in cards  # under way: first among the cards
    assert cards.index(ours.path.title) < cards.index("Extra path")
    assert "3 more paths for you" in cards
    assert rest.split("</ul>")[0].count("Extra path") == 3


def test_a_locked_course_says_what_unlocks_it_and_refuses_to_start(ours, rep_client):
    with scope(tenant=ours.tenant):
        locked = second_step(ours)
    page = rep_client.get(f"/learning/courses/{locked.pk}/").content.decode()
    assert 'id="course-locked"' in page
    assert f"it unlocks when you pass <strong>{ours.course.title}</strong>" in page
    response = rep_client.post(f"/learning/courses/{locked.pk}/start/", follow=True)
    assert "This course unlocks when you pass" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert not Enrolment.objects.filter(course=locked).exists()


def test_the_path_page_lists_the_courses_in_order(ours, rep_client):
    with scope(tenant=ours.tenant):
        second_step(ours)
    page = rep_client.get(f"/learning/paths/{ours.path.pk}/").content.decode()
    assert page.index(ours.course.title) < page.index("Step two")
    assert "Locked" in page
    assert "In progress" in page


def test_certifications_show_valid_expiring_and_expired_with_renewal(ours, rep_client):
    page = rep_client.get("/learning/").content.decode()
    assert ours.certification.name in page
    assert f"/learning/paths/certificates/{ours.award.pk}/" in page
    assert f"/verify/{ours.award.code}/" in page
    assert "Expires soon" not in page
    with scope(tenant=ours.tenant):
        CertificationAward.objects.filter(pk=ours.award.pk).update(
            expires_at=timezone.now() + timedelta(days=12)
        )
    assert "Expires soon" in rep_client.get("/learning/").content.decode()
    with scope(tenant=ours.tenant):
        CertificationAward.objects.filter(pk=ours.award.pk).update(
            expires_at=timezone.now() - timedelta(days=2)
        )
    page = rep_client.get("/learning/").content.decode()
    assert "Expired" in page
    assert "Pass it again to renew it." in page
    assert f'href="/learning/paths/{ours.path.pk}/">Renew it' in page


def test_the_expiring_card_shows_only_within_30_days(ours, rep_client):
    assert 'id="certification-expiring-card"' not in rep_client.get("/").content.decode()
    with scope(tenant=ours.tenant):
        CertificationAward.objects.filter(pk=ours.award.pk).update(
            expires_at=timezone.now() + timedelta(days=29)
        )
    page = rep_client.get("/").content.decode()
    assert 'id="certification-expiring-card"' in page
    assert ours.certification.name in page


def test_no_certification_says_how_to_earn_one(ours, rep_client):
    with scope(tenant=ours.tenant):
        CertificationAward.objects.all().delete()
    page = rep_client.get("/learning/").content.decode()
    assert 'id="no-certifications"' in page
    assert "Finish the required courses of a path" in page


@pytest.mark.parametrize(
    ("regions", "typed", "sees"),
    [
        ([], False, True),  # a segment of every partner
        (["emea"], False, True),
        (["apac"], False, False),
        (["emea"], True, False),  # the right region, another partner type
        (["apac", "emea"], False, True),
        (None, False, True),  # no segment: every partner
    ],
)
def test_a_partners_users_see_exactly_the_paths_that_target_them(
    ours, rep_client, host_client, regions, typed, sees
):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(region=Partner.Region.EMEA)
        path = LearningPath.objects.create(
            tenant=ours.tenant, title="Matrix path", status=LearningPath.Status.PUBLISHED
        )
        PathCourse.objects.create(tenant=ours.tenant, path=path, course=ours.course, position=1)
        if regions is not None:
            segment = Segment.objects.create(tenant=ours.tenant, name="Matrix", regions=regions)
            if typed:
                segment.partner_types.add(  # a type partner A (a reseller) is not
                    PartnerType.objects.create(tenant=ours.tenant, name="Distributor")
                )
            path.segments.add(segment)
        cert = Certification.objects.create(tenant=ours.tenant, name="Matrix cert", path=path)
        award = CertificationAward.objects.create(
            tenant=ours.tenant, certification=cert, membership=ours.members[Role.PARTNER_REP],
            partner=ours.partner, earned_at=timezone.now(),
        )  # fmt: skip
    for client in (rep_client, host_client(ours.host, ours.members[Role.PARTNER_ADMIN])):
        assert ("Matrix path" in client.get("/learning/").content.decode()) is sees
        opened = client.get(f"/learning/paths/{path.pk}/").status_code
        assert opened == (200 if sees else 404)
    # partner B (no region) sees the path only when it is for every partner
    other = host_client(ours.host, ours.other_partner_rep)
    for_all = regions is None or regions == []
    assert (other.get(f"/learning/paths/{path.pk}/").status_code == 200) is for_all
    # the award stays the holder's, whatever the targeting; never another partner's
    assert rep_client.get(f"/learning/paths/certificates/{award.pk}/").status_code == 200
    assert other.get(f"/learning/paths/certificates/{award.pk}/").status_code == 404
    assert host_client(ours.host).get(f"/verify/{award.code}/").status_code == 200


def test_ops_publishes_a_path_after_confirming(ours, ops_client):
    with scope(tenant=ours.tenant):
        path = LearningPath.objects.create(tenant=ours.tenant, title="New path")
        PathCourse.objects.create(tenant=ours.tenant, path=path, course=ours.course, position=1)
    url = f"/admin/training/learningpath/{path.pk}/publish/"
    page = ops_client.get(url).content.decode()
    assert "to the users of every partner" in page
    response = ops_client.post(url, {})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        path.refresh_from_db()
        assert path.status == LearningPath.Status.PUBLISHED
        assert AuditEvent.objects.filter(action="training.path.published").exists()


def test_an_empty_path_shows_why_it_cannot_be_published(ours, ops_client):
    with scope(tenant=ours.tenant):
        path = LearningPath.objects.create(tenant=ours.tenant, title="Empty path")
    url = f"/admin/training/learningpath/{path.pk}/publish/"
    assert "Add at least one course" in ops_client.get(url).content.decode()
    ops_client.post(url, {})
    with scope(tenant=ours.tenant):
        path.refresh_from_db()
    assert path.status == LearningPath.Status.DRAFT


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
    return data


def test_ops_builds_a_path_with_ordered_courses_in_the_admin(ours, ops_client):
    data = {"title": "Built path", "summary": "Two steps"} | inline(
        "steps",
        [
            {"position": "1", "course": str(ours.course.pk), "required": "on"},
            {"position": "2", "course": str(ours.other_course.pk), "required": "on",
             "prerequisite": str(ours.course.pk)},
        ],
    )  # fmt: skip
    response = ops_client.post("/admin/training/learningpath/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scope(tenant=ours.tenant):
        path = LearningPath.objects.get(title="Built path")
        steps = list(path.steps.order_by("position").values_list("course_id", "prerequisite_id"))
    assert steps == [(ours.course.pk, None), (ours.other_course.pk, ours.course.pk)]


def test_a_prerequisite_placed_later_in_the_path_is_refused(ours, ops_client):
    data = {"title": "Backwards path"} | inline(
        "steps",
        [
            {"position": "1", "course": str(ours.course.pk), "required": "on",
             "prerequisite": str(ours.other_course.pk)},
            {"position": "2", "course": str(ours.other_course.pk), "required": "on"},
        ],
    )  # fmt: skip
    response = ops_client.post("/admin/training/learningpath/add/", data)
    assert response.status_code == 200
    assert "Choose a course placed earlier in this path." in response.content.decode()


def test_holders_list_and_a_confirmed_revoke(ours, ops_client):
    holders = f"/admin/training/certification/{ours.certification.pk}/holders/"
    page = ops_client.get(holders).content.decode()
    assert str(ours.members[Role.PARTNER_REP].user) in page
    assert ours.other_partner.name in page
    revoke = f"{holders}{ours.award.pk}/revoke/"
    assert "Revoking ends the certification now" in ops_client.get(revoke).content.decode()
    assert ops_client.post(revoke, {"reason": ""}).status_code == 200  # a reason is needed
    assert ops_client.post(revoke, {"reason": "Left the company"}).status_code == 302
    with scope(tenant=ours.tenant):
        ours.award.refresh_from_db()
    assert ours.award.revoked_at is not None
    assert ours.award.revoke_reason == "Left the company"


def test_a_cam_sees_only_their_partners_holders_and_cannot_revoke(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    holders = f"/admin/training/certification/{ours.certification.pk}/holders/"
    page = cam.get(holders).content.decode()
    assert ours.partner.name in page
    assert ours.other_partner.name not in page  # not assigned to the CAM
    other = f"{holders}{ours.other_award.pk}/certificate/"
    assert cam.get(other).status_code == 404
    assert cam.get(f"{holders}{ours.award.pk}/certificate/").status_code == 200
    assert cam.get(f"{holders}{ours.award.pk}/revoke/").status_code == 403


def test_the_certification_list_counts_valid_holders(ours, ops_client):
    with scope(tenant=ours.tenant):
        CertificationAward.objects.filter(pk=ours.other_award.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
    page = ops_client.get("/admin/training/certification/").content.decode()
    assert ours.certification.name in page
    holders = f"/admin/training/certification/{ours.certification.pk}/holders/"
    assert f'<a href="{holders}">1</a>' in page


def test_the_partner_page_shows_the_partners_certifications_to_its_cam(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(f"/admin/partners/partner/{ours.partner.pk}/overview/").content.decode()
    assert 'id="training-certifications"' in page
    assert ours.certification.name in page
