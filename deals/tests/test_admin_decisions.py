"""Deciding registrations and extension requests on the admin UI's decision pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal, DealExtension, DealSettings
from deals.selectors import deal_settings_for
from deals.tests.factories import RejectReasonFactory, registered
from prm.audit.models import AuditEvent
from prm.money import format_money
from prm.notifications.models import Notification
from prm.tenancy.roles import Role


def url(deal, action: str) -> str:
    return f"/admin/deals/deal/{deal.pk}/{action}/"


def reload(world, deal) -> Deal:
    with scope(tenant=world.tenant):
        return Deal.objects.select_related("reject_reason").get(pk=deal.pk)


@pytest.fixture
def deal(ours):
    with scope(tenant=ours.tenant):
        return registered(ours.members[Role.PARTNER_REP])


@pytest.fixture
def cam(ours, host_client):
    return host_client(ours.host, ours.members[Role.CAM])


@pytest.mark.django_db
def test_the_cam_approves_a_registration_with_a_note(ours, deal, cam):
    assert cam.get(url(deal, "approve")).status_code == 200
    response = cam.post(url(deal, "approve"), {"note": "Go for it"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/deals/deal/"
    found = reload(ours, deal)
    assert found.status == Deal.Status.APPROVED
    assert found.decision_note == "Go for it"
    assert found.expires_at is not None
    assert found.decided_by == ours.members[Role.CAM].user
    follow = cam.get("/admin/deals/deal/?status=all").content.decode()
    assert "is approved" in follow


@pytest.mark.django_db
def test_the_cam_rejects_with_one_of_the_programs_reasons_the_partner_sees(ours, deal, cam):
    with scope(tenant=ours.tenant):
        reason = RejectReasonFactory(tenant=ours.tenant, label="Outside the territory")
        retired = RejectReasonFactory(tenant=ours.tenant, label="Retired reason", is_active=False)
    form = cam.get(url(deal, "reject")).content.decode()
    assert "Outside the territory" in form
    assert "Retired reason" not in form
    assert "shown to the partner" in form.lower()
    response = cam.post(url(deal, "reject"), {"reason": reason.pk, "note": "Ask the DACH team"})
    assert response.status_code == 302
    found = reload(ours, deal)
    assert found.status == Deal.Status.REJECTED
    assert found.reject_reason == reason
    assert found.decision_note == "Ask the DACH team"
    assert not found.holds_claim
    # A retired reason is not accepted.
    with scope(tenant=ours.tenant):
        again = registered(ours.members[Role.PARTNER_REP], customer_website="again.example",
                           customer_name="Again Inc")  # fmt: skip
    page = cam.post(url(again, "reject"), {"reason": retired.pk})
    assert page.status_code == 200
    assert "prm-errorlist" in page.content.decode()
    assert reload(ours, again).status == Deal.Status.SUBMITTED


@pytest.mark.django_db
def test_a_reason_of_another_tenant_cannot_be_chosen(ours, theirs, deal, cam):
    with scope(tenant=theirs.tenant):
        foreign = RejectReasonFactory(tenant=theirs.tenant)
    page = cam.post(url(deal, "reject"), {"reason": foreign.pk})
    assert page.status_code == 200
    assert reload(ours, deal).status == Deal.Status.SUBMITTED


@pytest.mark.django_db
def test_the_cam_asks_for_more_information_and_a_message_is_required(ours, deal, cam):
    empty = cam.post(url(deal, "request-info"), {"message": "  "})
    assert empty.status_code == 200
    assert "prm-errorlist" in empty.content.decode()
    assert reload(ours, deal).status == Deal.Status.SUBMITTED
    response = cam.post(url(deal, "request-info"), {"message": "Which products exactly?"})
    assert response.status_code == 302
    found = reload(ours, deal)
    assert found.status == Deal.Status.INFO_REQUESTED
    assert found.decision_note == "Which products exactly?"


@pytest.mark.django_db
def test_an_impossible_decision_says_why_and_changes_nothing(ours, deal, cam):
    with scope(tenant=ours.tenant):
        services.deal_approve(actor=ours.members[Role.CAM], deal=deal)
        reason = RejectReasonFactory(tenant=ours.tenant)
    before = reload(ours, deal)
    for action, data in (
        ("approve", {}),
        ("reject", {"reason": reason.pk}),
        ("request-info", {"message": "Why?"}),
    ):
        response = cam.post(url(deal, action), data, follow=True)
        assert response.redirect_chain[0][0] == f"/admin/deals/deal/{deal.pk}/change/"
        assert "cannot be" in response.content.decode()
    after = reload(ours, deal)
    assert after.status == Deal.Status.APPROVED
    assert after.decided_at == before.decided_at
    assert after.reject_reason is None


@pytest.mark.django_db
def test_a_decision_refused_by_the_service_is_shown_at_the_top_of_the_form(ours, cam):
    # First wins: the conflict cannot be approved while the first registration stands.
    with scope(tenant=ours.tenant):
        registered(ours.other_partner_rep)
        conflict = registered(ours.members[Role.PARTNER_REP])
    page = cam.get(url(conflict, "approve")).content.decode()
    assert 'name="supersede"' not in page
    response = cam.post(url(conflict, "approve"), {"note": ""})
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert "first valid registration wins" in response.content.decode()
    assert reload(ours, conflict).status == Deal.Status.SUBMITTED


@pytest.mark.django_db
def test_in_cam_decides_mode_the_cam_supersedes_the_earlier_registration(ours, host_client):
    with scope(tenant=ours.tenant):
        DealSettings.objects.filter(pk=deal_settings_for(ours.tenant).pk).update(
            engagement_rule=DealSettings.Engagement.CAM_DECIDES
        )
        first = registered(ours.other_partner_rep)
        conflict = registered(ours.members[Role.PARTNER_REP])
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(url(conflict, "approve")).content.decode()
    assert 'name="supersede"' in page
    assert "will be rejected" in page
    unticked = cam.post(url(conflict, "approve"), {"note": ""})
    assert unticked.status_code == 200
    assert 'id="id_supersede_error"' in unticked.content.decode()  # beside the box
    assert reload(ours, conflict).status == Deal.Status.SUBMITTED
    ticked = cam.post(url(conflict, "approve"), {"note": "", "supersede": "on"})
    assert ticked.status_code == 302
    assert reload(ours, conflict).status == Deal.Status.APPROVED
    assert reload(ours, first).status == Deal.Status.REJECTED


@pytest.mark.django_db
def test_a_member_without_the_decide_capability_is_refused(ours, deal, host_client, monkeypatch):
    from prm.tenancy import capabilities

    caps = dict(capabilities.ROLE_CAPABILITIES)
    caps[Role.CAM] = caps[Role.CAM] - {"deals.approve"}
    monkeypatch.setattr(capabilities, "ROLE_CAPABILITIES", caps)
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get(f"/admin/deals/deal/{deal.pk}/change/").status_code == 200
    assert (
        'id="deal-approve"' not in cam.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    )
    for action in ("approve", "reject", "request-info"):
        assert cam.post(url(deal, action), {"message": "x"}).status_code == 403
    assert reload(ours, deal).status == Deal.Status.SUBMITTED


@pytest.fixture
def extension(ours, deal):
    with scope(tenant=ours.tenant):
        services.deal_approve(actor=ours.members[Role.CAM], deal=deal)
        return services.extension_request(
            actor=ours.members[Role.PARTNER_REP], deal=deal, days=30, reason="Board meets late"
        )


@pytest.mark.django_db
def test_the_cam_approves_an_extension_from_the_decision_screen(ours, deal, extension, cam):
    before = reload(ours, deal).expires_at
    screen = cam.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    decide = f"/admin/deals/deal/{deal.pk}/extensions/{extension.pk}/"
    assert decide in screen
    assert "Board meets late" in screen
    response = cam.post(decide, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    assert reload(ours, deal).expires_at == before + timedelta(days=30)
    with scope(tenant=ours.tenant):
        assert DealExtension.objects.get(pk=extension.pk).status == DealExtension.Status.APPROVED
    again = cam.get(decide, follow=True)
    assert "already decided" in again.content.decode()


@pytest.mark.django_db
def test_declining_an_extension_needs_a_message_beside_the_field(ours, deal, extension, cam):
    decide = f"/admin/deals/deal/{deal.pk}/extensions/{extension.pk}/"
    page = cam.post(decide, {"decision": "decline", "note": ""})
    assert page.status_code == 200
    assert 'id="id_note_error"' in page.content.decode()
    with scope(tenant=ours.tenant):
        assert DealExtension.objects.get(pk=extension.pk).status == DealExtension.Status.PENDING
    assert cam.post(decide, {"decision": "decline", "note": "Too long"}).status_code == 302
    with scope(tenant=ours.tenant):
        assert DealExtension.objects.get(pk=extension.pk).status == DealExtension.Status.DECLINED


@pytest.mark.django_db
def test_an_extension_of_another_registration_is_missing(ours, deal, extension, cam):
    with scope(tenant=ours.tenant):
        other = registered(ours.members[Role.PARTNER_REP], customer_name="Other Co",
                           customer_website="otherco.example")  # fmt: skip
    assert cam.get(f"/admin/deals/deal/{other.pk}/extensions/{extension.pk}/").status_code == 404


@pytest.mark.django_db
def test_decisions_are_in_the_audit_trail_of_the_screen(ours, deal, cam):
    cam.post(url(deal, "request-info"), {"message": "Which region?"})
    with scope(tenant=ours.tenant):
        assert AuditEvent.objects.filter(action="deals.deal.info_requested").exists()
    page = cam.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    assert "Which region?" in page


@pytest.mark.django_db
def test_the_cam_marks_an_approved_deal_won_with_its_final_amount(ours, deal, cam):
    with scope(tenant=ours.tenant):
        services.deal_approve(actor=ours.members[Role.CAM], deal=deal)
    change = cam.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    assert url(deal, "won") in change
    assert url(deal, "lost") in change
    future = cam.post(url(deal, "won"), {"amount": "50000", "closed_on": "2100-01-01"})
    assert future.status_code == 200
    assert "cannot be in the future" in future.content.decode()
    assert reload(ours, deal).status == Deal.Status.APPROVED
    today = timezone.localdate().isoformat()
    response = cam.post(url(deal, "won"), {"amount": "50000.456", "closed_on": today})
    assert response.status_code == 200  # two decimal places at most: said beside the field
    response = cam.post(url(deal, "won"), {"amount": "50000.45", "closed_on": today})
    assert response.status_code == 302
    found = reload(ours, deal)
    assert found.status == Deal.Status.WON
    assert found.won_amount == Decimal("50000.45")


@pytest.mark.django_db
def test_the_cam_marks_a_deal_lost_only_once_it_is_approved(ours, deal, cam):
    refused = cam.get(url(deal, "lost"))
    assert refused.status_code == 302  # submitted: back to the decision screen with a message
    assert reload(ours, deal).status == Deal.Status.SUBMITTED
    with scope(tenant=ours.tenant):
        services.deal_approve(actor=ours.members[Role.CAM], deal=deal)
    assert cam.post(url(deal, "lost"), {"reason": ""}).status_code == 200
    assert cam.post(url(deal, "lost"), {"reason": "Went with a rival"}).status_code == 302
    found = reload(ours, deal)
    assert found.status == Deal.Status.LOST
    assert found.lost_reason == "Went with a rival"


# Decision pages that explain themselves


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "reject", "request-info"])
def test_each_decision_page_opens_on_a_summary_of_the_registration_and_has_cancel(
    ours, deal, cam, action
):
    page = cam.get(url(deal, action)).content.decode()
    summary = page[page.index('id="deal-summary"') : page.index("</section>")]
    for fact in (deal.reference, deal.customer_name, ours.partner.name, "Submitted", "Conflict"):
        assert fact in summary, fact
    assert format_money(deal.amount, deal.currency) in summary
    assert "48 h left" in summary or "left" in summary  # the decision clock
    assert f'href="/admin/deals/deal/{deal.pk}/change/" id="cancel"' in page


@pytest.mark.django_db
def test_rejecting_is_styled_as_destructive_and_approving_is_not(ours, deal, cam):
    reject = cam.get(url(deal, "reject")).content.decode()
    assert 'class="default prm-danger"' in reject
    approve = cam.get(url(deal, "approve")).content.decode()
    assert "prm-danger" not in approve
    assert 'id="approve-submit"' in approve
    assert "disabled" not in approve[approve.index('id="approve-submit"') :].split(">")[0]


@pytest.mark.django_db
def test_a_conflict_the_rules_forbid_to_approve_gets_no_active_approve_button(ours, cam):
    # First wins: the later registration cannot be approved while the first one stands.
    with scope(tenant=ours.tenant):
        first = registered(ours.other_partner_rep)
        conflict = registered(ours.members[Role.PARTNER_REP])
    page = cam.get(url(conflict, "approve")).content.decode()
    button = page[page.index('id="approve-submit"') :].split(">")[0]
    assert "disabled" in button
    assert 'id="approve-blocked"' in page
    assert f"{first.reference} holds this customer" in page
    screen = cam.get(f"/admin/deals/deal/{conflict.pk}/change/").content.decode()
    assert 'id="deal-approve"' not in screen  # no link to the approval page
    assert 'id="deal-approve-blocked"' in screen
    assert "Approve is not available" in screen
    # Once the first one is withdrawn, it can be approved.
    with scope(tenant=ours.tenant):
        services.deal_withdraw(actor=ours.other_partner_rep, deal=first)
    page = cam.get(url(conflict, "approve")).content.decode()
    assert "disabled" not in page[page.index('id="approve-submit"') :].split(">")[0]
    assert (
        'id="deal-approve"' in cam.get(f"/admin/deals/deal/{conflict.pk}/change/").content.decode()
    )


@pytest.mark.django_db
def test_in_cam_decides_mode_a_conflict_keeps_an_active_approve_button(ours, host_client):
    with scope(tenant=ours.tenant):
        DealSettings.objects.filter(pk=deal_settings_for(ours.tenant).pk).update(
            engagement_rule=DealSettings.Engagement.CAM_DECIDES
        )
        registered(ours.other_partner_rep)
        conflict = registered(ours.members[Role.PARTNER_REP])
    page = host_client(ours.host, ours.members[Role.CAM]).get(url(conflict, "approve"))
    text = page.content.decode()
    assert "disabled" not in text[text.index('id="approve-submit"') :].split(">")[0]


@pytest.mark.django_db
def test_both_registrations_of_a_conflict_show_it_on_the_decision_screen(ours, host_client):
    with scope(tenant=ours.tenant):
        earlier = registered(ours.members[Role.PARTNER_REP])
        later = registered(ours.other_partner_rep)
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    first = leader.get(f"/admin/deals/deal/{earlier.pk}/change/").content.decode()
    assert 'id="contested-banner"' in first
    assert "A later registration competes for this customer" in first
    assert f'href="/admin/deals/deal/{later.pk}/change/">{later.reference}</a>' in first
    assert ours.other_partner.name in first
    second = leader.get(f"/admin/deals/deal/{later.pk}/change/").content.decode()
    assert 'id="conflict-banner"' in second
    assert earlier.reference in second
    # The CAM of partner A sees partner B's later registration named, not linked.
    cam = host_client(ours.host, ours.members[Role.CAM]).get(
        f"/admin/deals/deal/{earlier.pk}/change/"
    )
    text = cam.content.decode()
    assert later.reference in text
    assert f"/admin/deals/deal/{later.pk}/change/" not in text


@pytest.mark.django_db
def test_deciding_marks_the_deciders_notifications_about_it_read(ours, cam):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
        other = registered(ours.members[Role.PARTNER_REP], customer_name="Elsewhere GmbH",
                           customer_website="elsewhere.example")  # fmt: skip
        unread = Notification.objects.filter(
            recipient=ours.members[Role.CAM].user, read_at__isnull=True
        )
        assert unread.filter(link__contains=f"/{deal.pk}/").count() == 1  # "please decide"
    assert cam.post(url(deal, "request-info"), {"message": "Who signs?"}).status_code == 302
    with scope(tenant=ours.tenant):
        assert not unread.filter(link__contains=f"/{deal.pk}/").exists()
        assert unread.filter(link__contains=f"/{other.pk}/").count() == 1  # not decided yet
        # The partner's notice of the question stays unread until they answer it.
        rep = ours.members[Role.PARTNER_REP]
        notice = Notification.objects.get(recipient=rep.user, event="deals.deal.info_requested")
        assert notice.read_at is None
        services.deal_submit(actor=rep, deal=deal)
        notice.refresh_from_db()
        assert notice.read_at is not None
