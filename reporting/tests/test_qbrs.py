"""Quarterly business reviews: opening a draft with its snapshot, refreshing it only when a figure
changed, the words and action items, sharing with the partner's admins and their comments,
finalising (the final snapshot freezes everything), action items tracked after the review and
carried into the next one, their reminders, and who sees what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.notifications.reminders import run_reminders
from prm.tenancy.roles import Role
from prm.workflow import TransitionError
from reporting.models import Qbr, QbrActionItem, QbrSnapshot
from reporting.qbrs import services
from reporting.qbrs.selectors import action_items_visible_to, qbrs_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_reviews(ours):
    """The shared world's reviews left out (rolled back after each test), so that each test
    opens the reviews it reads."""
    with scope(tenant=ours.tenant):
        Qbr.objects.filter(tenant=ours.tenant).delete()


def last_quarter_day(tenant):
    this = services.quarter_of(tenant, timezone.localdate())
    return this.start - timedelta(days=1)


def won_deal(world, closed_on, amount="12000.00"):
    return DealFactory(
        partner=world.partner,
        owner=world.members[Role.PARTNER_REP],
        status=Deal.Status.WON,
        amount=Decimal(amount),
        won_amount=Decimal(amount),
        currency=world.tenant.default_currency,
        submitted_at=timezone.now() - timedelta(days=200),
        closed_on=closed_on,
    )


@pytest.fixture
def qbr(world):
    return services.qbr_open(
        actor=world.members[Role.CAM], partner=world.partner, day=last_quarter_day(world.tenant)
    )


def test_opening_makes_one_draft_with_its_first_snapshot_audited(world, qbr):
    assert qbr.status == Qbr.Status.DRAFT
    [snapshot] = QbrSnapshot.objects.filter(qbr=qbr)
    assert snapshot.version == 1
    assert not snapshot.final
    assert snapshot.data["partner"]["name"] == world.partner.name
    assert snapshot.data["quarter"]["start"] == qbr.period_start.isoformat()
    again = services.qbr_open(
        actor=world.members[Role.PROGRAM_LEADER], partner=world.partner, day=qbr.period_end
    )
    assert again.pk == qbr.pk
    assert QbrSnapshot.objects.filter(qbr=qbr).count() == 1
    assert AuditEvent.objects.filter(action="reporting.qbr.opened", object_id=str(qbr.pk)).exists()


def test_a_cam_opens_no_review_of_a_partner_not_theirs_nor_of_a_future_quarter(world):
    cam = world.members[Role.CAM]
    with pytest.raises(PermissionDenied):
        services.qbr_open(actor=cam, partner=world.other_partner, day=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.qbr_open(
            actor=world.members[Role.PARTNER_ADMIN], partner=world.partner, day=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        services.qbr_open(
            actor=cam, partner=world.partner, day=timezone.localdate() + timedelta(days=200)
        )


def test_a_refresh_keeps_a_version_only_when_a_figure_changed(world, qbr):
    cam = world.members[Role.CAM]
    assert services.qbr_refresh(actor=cam, qbr=qbr).version == 1
    won_deal(world, qbr.period_start + timedelta(days=3))
    refreshed = services.qbr_refresh(actor=cam, qbr=qbr)
    assert refreshed.version == 2
    revenue = next(k for k in refreshed.data["kpis"]["deals"] if k["metric"] == "deals.revenue_won")
    assert Decimal(revenue["value"]) == Decimal("12000.00")
    assert refreshed.data["wins"][0]["amount"] == "12000.00"


def test_an_action_item_names_someone_of_the_partner_or_its_cam_and_a_day_in_reach(world, qbr):
    cam = world.members[Role.CAM]
    due = timezone.localdate() + timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        services.action_item_add(
            actor=cam, qbr=qbr, title="Train two reps", owner=world.other_partner_admin, due_on=due
        )
    assert "owner" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.action_item_add(
            actor=cam,
            qbr=qbr,
            title=" ",
            owner=cam,
            due_on=qbr.period_start - timedelta(days=1),
        )
    assert {"title", "due_on"} <= set(refused.value.error_dict)
    assert not QbrActionItem.objects.filter(qbr=qbr).exists()
    item = services.action_item_add(
        actor=cam,
        qbr=qbr,
        title="Train two reps",
        owner=world.members[Role.PARTNER_ADMIN],
        due_on=due,
    )
    assert item.partner_id == world.partner.pk
    assert item.status == QbrActionItem.Status.OPEN


def test_a_draft_is_seen_by_the_partners_admins_only_once_shared(world, theirs, qbr):
    admin = world.members[Role.PARTNER_ADMIN]
    assert not qbrs_visible_to(admin).filter(pk=qbr.pk).exists()
    told = Notification.objects.filter(recipient=admin.user, event="reporting.qbr.shared")
    before = told.count()
    services.qbr_share(actor=world.members[Role.CAM], qbr=qbr)
    services.qbr_share(actor=world.members[Role.CAM], qbr=qbr)  # twice: told once
    assert qbrs_visible_to(admin).filter(pk=qbr.pk).exists()
    assert not qbrs_visible_to(world.other_partner_admin).filter(pk=qbr.pk).exists()
    assert not qbrs_visible_to(world.members[Role.PARTNER_REP]).exists()
    assert told.count() == before + 1


def test_the_partners_admin_comments_on_a_shared_draft_and_its_cam_is_told(world, qbr):
    admin, cam = world.members[Role.PARTNER_ADMIN], world.members[Role.CAM]
    with pytest.raises(PermissionDenied):
        services.qbr_comment_add(actor=admin, qbr=qbr, body="Before sharing")
    services.qbr_share(actor=cam, qbr=qbr)
    with pytest.raises(ValidationError):
        services.qbr_comment_add(actor=admin, qbr=qbr, body="   ")
    services.qbr_comment_add(actor=admin, qbr=qbr, body="Add the webinar leads, please.")
    assert Notification.objects.filter(recipient=cam.user, event="reporting.qbr.commented").exists()
    with pytest.raises(PermissionDenied):
        services.qbr_comment_add(actor=world.other_partner_admin, qbr=qbr, body="Not mine")


def test_finalising_freezes_figures_words_and_items_and_locks_the_review(
    world, qbr, django_capture_on_commit_callbacks
):
    cam = world.members[Role.CAM]
    services.qbr_notes_update(actor=cam, qbr=qbr, highlights="Record quarter", roadblocks="")
    item = services.action_item_add(
        actor=cam,
        qbr=qbr,
        title="Co-host a webinar",
        owner=world.members[Role.PARTNER_ADMIN],
        due_on=timezone.localdate() + timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=False):
        final = services.qbr_finalise(actor=cam, qbr=qbr, held_on=timezone.localdate())
    assert final.status == Qbr.Status.FINAL
    assert final.held_on == timezone.localdate()
    snapshot = services.latest_snapshot(final)
    assert snapshot.final
    assert snapshot.version == 2
    frozen = services.document_data(final, snapshot)
    assert frozen["narrative"]["highlights"] == "Record quarter"
    assert frozen["narrative"]["action_items"][0]["title"] == "Co-host a webinar"
    assert frozen["narrative"]["status"] == "final"

    # Later changes reach neither the frozen document nor the review.
    won_deal(world, qbr.period_start + timedelta(days=5))
    services.action_item_track(actor=world.members[Role.PARTNER_ADMIN], item=item, status="done")
    assert services.document_data(final, services.latest_snapshot(final)) == frozen
    with pytest.raises(TransitionError):
        services.qbr_notes_update(actor=cam, qbr=final, highlights="Changed", roadblocks="")
    with pytest.raises(TransitionError):
        services.qbr_refresh(actor=cam, qbr=final)
    with pytest.raises(TransitionError):
        services.action_item_add(
            actor=cam, qbr=final, title="Late", owner=cam, due_on=timezone.localdate()
        )
    with pytest.raises(TransitionError):
        services.qbr_finalise(actor=cam, qbr=final, held_on=timezone.localdate())
    assert AuditEvent.objects.filter(
        action="reporting.qbr.finalised", object_id=str(qbr.pk)
    ).exists()
    admin = world.members[Role.PARTNER_ADMIN]
    assert Notification.objects.filter(
        recipient=admin.user, event="reporting.qbr.finalised"
    ).exists()


def test_open_action_items_are_carried_into_the_next_review_with_their_status(world, qbr):
    cam = world.members[Role.CAM]
    open_item = services.action_item_add(
        actor=cam, qbr=qbr, title="Certify two presales", owner=cam, due_on=timezone.localdate()
    )
    done_item = services.action_item_add(
        actor=cam, qbr=qbr, title="Launch the webinar", owner=cam, due_on=timezone.localdate()
    )
    services.action_item_track(actor=cam, item=done_item, status="done")
    services.qbr_finalise(actor=cam, qbr=qbr, held_on=timezone.localdate())
    this_quarter = services.qbr_open(actor=cam, partner=world.partner, day=timezone.localdate())
    carried = services.latest_snapshot(this_quarter).data["carried"]
    by_title = {c["title"]: c for c in carried}
    assert by_title["Certify two presales"]["status"] == "open"
    assert by_title["Launch the webinar"]["status"] == "done"  # done during this quarter
    assert open_item.pk  # still tracked on its own review


def test_only_the_owner_the_partners_admins_and_its_cams_track_an_item(world, qbr):
    cam = world.members[Role.CAM]
    rep = world.members[Role.PARTNER_REP]
    item = services.action_item_add(
        actor=cam, qbr=qbr, title="Register the pipeline", owner=rep, due_on=timezone.localdate()
    )
    services.qbr_share(actor=cam, qbr=qbr)
    with pytest.raises(PermissionDenied):
        services.action_item_track(actor=world.other_partner_admin, item=item, status="done")
    assert action_items_visible_to(rep).filter(pk=item.pk).exists()
    assert not action_items_visible_to(world.other_partner_rep).filter(pk=item.pk).exists()
    done = services.action_item_track(actor=rep, item=item, status="done")
    assert done.done_on == timezone.localdate()
    again = services.action_item_track(actor=rep, item=item, status="done")
    assert again.status == "done"
    reopened = services.action_item_track(actor=cam, item=item, status="open")
    assert reopened.done_on is None
    told = Notification.objects.filter(recipient=rep.user, event="reporting.qbr_action.tracked")
    assert told.count() == 1  # the CAM reopened it; the rep's own change told nobody


def test_action_items_are_reminded_once_before_and_once_after_their_due_day(world, qbr):
    cam, admin = world.members[Role.CAM], world.members[Role.PARTNER_ADMIN]
    today = timezone.localdate()
    services.action_item_add(
        actor=cam, qbr=qbr, title="Send the case study", owner=admin, due_on=today + timedelta(2)
    )
    run_reminders(world.tenant)
    run_reminders(world.tenant)
    soon = Notification.objects.filter(recipient=admin.user, event="reporting.qbr_action.due_soon")
    assert soon.count() == 1
    later = timezone.now() + timedelta(days=4)
    run_reminders(world.tenant, now=later)
    run_reminders(world.tenant, now=later)
    late = Notification.objects.filter(event="reporting.qbr_action.overdue")
    assert late.filter(recipient=admin.user).count() == 1
    assert late.filter(recipient=cam.user).count() == 1


def test_the_editor_pages_answer_the_cam_and_refuse_others(ours, theirs, host_client):
    with scope(tenant=ours.tenant):
        qbr = services.qbr_open(
            actor=ours.members[Role.CAM], partner=ours.partner, day=last_quarter_day(ours.tenant)
        )
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(f"/admin/reporting/qbrs/{qbr.pk}/")
    assert page.status_code == 200
    assert 'id="qbr-finalise"' in page.content.decode()
    saved = cam.post(
        f"/admin/reporting/qbrs/{qbr.pk}/", {"highlights": "x" * 6000, "roadblocks": ""}
    )
    assert saved.status_code == 200
    assert "prm-errorlist" in saved.content.decode()
    saved = cam.post(f"/admin/reporting/qbrs/{qbr.pk}/", {"highlights": "Good", "roadblocks": ""})
    assert saved.status_code == 302
    bad_day = cam.post(f"/admin/reporting/qbrs/{qbr.pk}/finalise/", {"held_on": "2000-01-01"})
    assert bad_day.status_code == 200
    assert "prm-errorlist" in bad_day.content.decode()
    with scope(tenant=ours.tenant):
        assert Qbr.objects.get(pk=qbr.pk).status == Qbr.Status.DRAFT
    other = host_client(theirs.host, theirs.members[Role.PROGRAM_LEADER])
    assert other.get(f"/admin/reporting/qbrs/{qbr.pk}/").status_code == 404
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert admin.get(f"/reviews/{qbr.pk}/").status_code == 404  # not shared


def test_holding_a_review_asks_the_partners_admins_for_their_satisfaction(world, qbr):
    from partners.models import Survey, SurveyRequest

    Survey.objects.create(
        tenant=world.tenant, name="After our review", trigger="reporting.qbr_held"
    )
    admin = world.members[Role.PARTNER_ADMIN]
    SurveyRequest.objects.filter(membership=admin).delete()  # the world's: no fatigue here
    services.qbr_finalise(actor=world.members[Role.CAM], qbr=qbr, held_on=timezone.localdate())
    asked = SurveyRequest.objects.filter(membership=admin, survey__trigger="reporting.qbr_held")
    assert asked.count() == 1
    assert not SurveyRequest.objects.filter(
        membership=world.members[Role.PARTNER_REP], survey__trigger="reporting.qbr_held"
    ).exists()


def test_in_the_portal_the_admin_comments_and_the_rep_marks_their_item_done(
    ours, theirs, host_client
):
    with scope(tenant=ours.tenant):
        cam = ours.members[Role.CAM]
        qbr = services.qbr_open(actor=cam, partner=ours.partner, day=last_quarter_day(ours.tenant))
        rep = ours.members[Role.PARTNER_REP]
        item = services.action_item_add(
            actor=cam, qbr=qbr, title="Register the Contoso deal", owner=rep,
            due_on=timezone.localdate() + timedelta(days=5),
        )  # fmt: skip
        services.qbr_share(actor=cam, qbr=qbr)
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert admin.get(f"/reviews/{qbr.pk}/").status_code == 200
    empty = admin.post(f"/reviews/{qbr.pk}/", {"body": "  "})
    assert empty.status_code == 200
    assert "prm-errorlist" in empty.content.decode() or "invalid-feedback" in empty.content.decode()
    assert admin.post(f"/reviews/{qbr.pk}/", {"body": "Looks right."}).status_code == 302
    assert admin.get(f"/reviews/{qbr.pk}/pdf/").status_code == 404  # a draft has no PDF here
    with scope(tenant=ours.tenant):
        assert qbr.comments.get().body == "Looks right."

    rep_client = host_client(ours.host, rep)
    assert rep_client.get(f"/reviews/{qbr.pk}/").status_code == 403
    listed = rep_client.get("/reviews/").content.decode()
    assert "Register the Contoso deal" in listed
    bad = rep_client.post(f"/reviews/actions/{item.pk}/", {"status": "finished"})
    assert bad.status_code == 200
    done = rep_client.post(f"/reviews/actions/{item.pk}/", {"status": "done"})
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        item.refresh_from_db()
        assert item.status == "done"
    other = host_client(theirs.host, theirs.members[Role.PARTNER_ADMIN])
    assert other.get(f"/reviews/{qbr.pk}/").status_code == 404
