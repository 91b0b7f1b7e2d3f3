"""A registration's thread: the partner's users and the vendor's staff who see it write to each
other, newest last; each side is told when the other writes, with a link to the thread, and the
notification is read once its recipient opens the registration."""

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal, DealComment
from deals.services.comments import comment_post
from deals.tests.factories import DealFactory
from prm.audit.models import AuditEvent
from prm.notifications.models import EmailOutbox, Notification
from prm.submissions.tokens import new_token
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(ours):
    with scope(tenant=ours.tenant):
        return DealFactory(
            partner=ours.partner, owner=ours.members[Role.PARTNER_REP],
            status=Deal.Status.SUBMITTED, submitted_at=timezone.now(),
        )  # fmt: skip


def notes(world, membership, event):
    with scope(tenant=world.tenant):
        return list(
            Notification.objects.filter(recipient=membership.user, event=event).order_by("id")
        )


PARTNER_SAID = "deals.deal.partner_commented"
VENDOR_SAID = "deals.deal.vendor_commented"


def test_a_reps_comment_shows_newest_last_and_tells_the_partners_cam(
    ours, deal, host_client, django_capture_on_commit_callbacks
):
    rep = ours.members[Role.PARTNER_REP]
    cam = ours.members[Role.CAM]
    client = host_client(ours.host, rep)
    with scope(tenant=ours.tenant):
        comment_post(actor=cam, deal=deal, body="Who is the economic buyer?")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/deals/{deal.pk}/comments/",
            {"body": "  The CFO, Dana Diaz.\nBudget is signed.  ", "form_token": new_token()},
        )
    with scope(tenant=ours.tenant):
        comment = DealComment.objects.filter(deal=deal).latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/#comment-{comment.pk}"
    assert comment.body == "The CFO, Dana Diaz.\nBudget is signed."
    assert comment.author == rep
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    # newest last, each with who and when
    assert page.index("Who is the economic buyer?") < page.index("The CFO, Dana Diaz.<br>")
    assert rep.user.get_full_name() in page.split(f'id="comment-{comment.pk}"')[1]
    assert "<time" in page.split(f'id="comment-{comment.pk}"')[1]
    told = notes(ours, cam, PARTNER_SAID)
    assert len(told) == 1
    assert told[0].link == f"/admin/deals/deal/{deal.pk}/change/#comments"
    assert told[0].message == "The CFO, Dana Diaz.\nBudget is signed."
    assert deal.reference in told[0].title
    assert any(deal.reference in m.subject for m in mail.outbox if cam.user.email in m.to)
    # the other partner company's users hear nothing; the rep is not told of their own words
    assert notes(ours, rep, PARTNER_SAID) == []
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.filter(action="deals.deal.commented").latest("id")
        assert event.object_id == str(deal.pk)
        assert event.actor == rep.user


def test_a_cams_answer_on_the_decision_screen_tells_the_rep_not_every_admin(
    ours, deal, host_client
):
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    cam_client = host_client(ours.host, ours.members[Role.CAM])
    response = cam_client.post(
        f"/admin/deals/deal/{deal.pk}/comments/",
        {"body": "Please attach the signed quote.", "form_token": new_token()},
    )
    with scope(tenant=ours.tenant):
        comment = DealComment.objects.get(deal=deal)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/deals/deal/{deal.pk}/change/#comment-{comment.pk}"
    screen = cam_client.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    assert "Please attach the signed quote." in screen
    assert 'id="comment-form"' in screen
    told = notes(ours, rep, VENDOR_SAID)
    assert len(told) == 1
    assert told[0].link == f"/deals/{deal.pk}/#comments"
    assert told[0].message == "Please attach the signed quote."
    # A partner admin sees every company deal, but is told only once they take part.
    assert notes(ours, admin, VENDOR_SAID) == []
    host_client(ours.host, admin).post(
        f"/deals/{deal.pk}/comments/", {"body": "I will send it.", "form_token": new_token()}
    )
    with scope(tenant=ours.tenant):
        comment_post(actor=ours.members[Role.CAM], deal=deal, body="Thanks, both.")
    assert len(notes(ours, admin, VENDOR_SAID)) == 1
    assert len(notes(ours, rep, VENDOR_SAID)) == 2


def test_the_partner_admins_hear_the_vendor_when_the_rep_has_left(ours, deal):
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    with scope(tenant=ours.tenant):
        type(rep).objects.filter(pk=rep.pk).update(is_active=False)
        comment_post(actor=ours.members[Role.CAM], deal=deal, body="Is this still open?")
    assert len(notes(ours, admin, VENDOR_SAID)) == 1


def test_staff_who_took_part_hear_the_partners_answer(ours, deal):
    leader = ours.members[Role.PROGRAM_LEADER]
    with scope(tenant=ours.tenant):
        comment_post(actor=leader, deal=deal, body="Which region is this?")
        assert notes(ours, leader, PARTNER_SAID) == []
        comment_post(actor=ours.members[Role.PARTNER_REP], deal=deal, body="EMEA.")
    assert len(notes(ours, leader, PARTNER_SAID)) == 1
    assert len(notes(ours, ours.members[Role.CAM], PARTNER_SAID)) == 1


def test_opening_the_registration_reads_its_thread_notifications_only(ours, deal, host_client):
    rep, cam = ours.members[Role.PARTNER_REP], ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        comment_post(actor=rep, deal=deal, body="Ping")
        comment_post(actor=cam, deal=deal, body="Pong")
    # a decision still to take stays unread for the CAM
    with scope(tenant=ours.tenant):
        decide = Notification.objects.create(
            tenant=ours.tenant, recipient=cam.user, event="deals.deal.registered",
            rule="deals.deal.registered.tell_cams", category="deals", title="Decide",
            subject_type=notes(ours, cam, PARTNER_SAID)[0].subject_type,
            subject_id=str(deal.pk),
        )  # fmt: skip
    host_client(ours.host, rep).get(f"/deals/{deal.pk}/")
    assert all(n.read_at is not None for n in notes(ours, rep, VENDOR_SAID))
    assert notes(ours, cam, PARTNER_SAID)[0].read_at is None
    host_client(ours.host, cam).get(f"/admin/deals/deal/{deal.pk}/change/")
    assert notes(ours, cam, PARTNER_SAID)[0].read_at is not None
    with scope(tenant=ours.tenant):
        decide.refresh_from_db()
    assert decide.read_at is None


def test_an_empty_comment_comes_back_beside_the_field_and_nothing_is_posted(
    ours, deal, host_client
):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    response = client.post(
        f"/deals/{deal.pk}/comments/", {"body": "   ", "form_token": new_token()}
    )
    assert response.status_code == 200
    form = response.content.decode().split('id="comment-form"')[1].split("</form>")[0]
    assert "is-invalid" in form
    cam_client = host_client(ours.host, ours.members[Role.CAM])
    response = cam_client.post(f"/admin/deals/deal/{deal.pk}/comments/", {"body": "\u202e"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode().split('id="comment-form"')[1]
    with scope(tenant=ours.tenant):
        assert not DealComment.objects.filter(deal=deal).exists()
        assert not EmailOutbox.objects.filter(subject__contains=deal.reference).exists()


def test_a_comment_sent_twice_is_posted_once(ours, deal, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    data = {"body": "Double click", "form_token": new_token()}
    first = client.post(f"/deals/{deal.pk}/comments/", data)
    second = client.post(f"/deals/{deal.pk}/comments/", data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    with scope(tenant=ours.tenant):
        assert DealComment.objects.filter(deal=deal).count() == 1


def test_a_draft_has_no_thread_yet(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        draft = DealFactory(partner=ours.partner, owner=rep)
    client = host_client(ours.host, rep)
    page = client.get(f"/deals/{draft.pk}/").content.decode()
    assert 'id="thread-closed"' in page
    assert 'id="comment-form"' not in page
    response = client.post(f"/deals/{draft.pk}/comments/", {"body": "Hello?"})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert not DealComment.objects.filter(deal=draft).exists()


def test_who_may_not_see_the_registration_cannot_write_in_its_thread(ours, deal, host_client):
    with scope(tenant=ours.tenant):
        teammate = partner_membership(ours.partner, Role.PARTNER_REP)
        from prm.tenancy.tests.factories import MembershipFactory

        stranger_cam = MembershipFactory(tenant=ours.tenant, role=Role.CAM)
    for member, url in (
        (teammate, f"/deals/{deal.pk}/comments/"),
        (ours.other_partner_admin, f"/deals/{deal.pk}/comments/"),
        (stranger_cam, f"/admin/deals/deal/{deal.pk}/comments/"),
    ):
        response = host_client(ours.host, member).post(url, {"body": "Let me in"})
        assert response.status_code == 404
    with scope(tenant=ours.tenant):
        assert not DealComment.objects.filter(deal=deal).exists()
