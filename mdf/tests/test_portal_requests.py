"""The portal's Funds page, the request form and the request's page (`mdf.views`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mdf.models import Allocation, MdfRequest, MdfSettings
from mdf.tests.factories import request_row
from partners.tests.factories import PartnerFactory
from prm.audit.services import audit_record
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = pytest.mark.django_db
S = MdfRequest.Status


def form_data(fund, question, **overrides):
    starts = fund.starts_on + timedelta(days=5)
    return {
        "activity_type": "webinar",
        "title": "Cloud webinar series",
        "description": "Three webinars.",
        "audience": "IT directors",
        "activities": "Webinars, LinkedIn ads",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=10)).isoformat(),
        "expected_leads": "40",
        "expected_pipeline": "100000",
        "amount": "3000",
        f"q_{question.pk}": "Cloud suite",
        "action": "submit",
        **overrides,
    }


def test_the_funds_page_shows_the_balance_windows_and_next_steps(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    page = client.get("/funds/").content.decode()
    allocation = Allocation.objects.get(pk=in_ours.allocation.pk)
    assert in_ours.fund.name in page
    assert 'class="mdf-bar"' in page
    assert "Requests close on" in page
    assert in_ours.mdf_request.reference in page
    assert in_ours.other_mdf_request.reference not in page  # another partner's
    assert "Waiting for your account manager" in page
    assert "Claim waiting for review" in page  # the funded request's submitted claim
    assert allocation.available > 0
    assert f"/funds/request/{in_ours.fund.pk}/" in page


def test_the_funds_page_says_what_to_do_when_empty(in_ours, host_client):
    partner = PartnerFactory(tenant=in_ours.tenant, tier=in_ours.partner.tier)
    admin = partner_membership(partner, Role.PARTNER_ADMIN)
    page = host_client(in_ours.host, admin).get("/funds/").content.decode()
    assert "No funds allocated to your company yet" in page
    assert "No requests yet" in page


def test_a_rep_saves_a_draft_with_only_a_title(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    response = client.post(
        f"/funds/request/{in_ours.fund.pk}/",
        {"activity_type": "event", "title": "Just an idea", "action": "draft"},
    )
    assert response.status_code == 302
    draft = MdfRequest.objects.get(title="Just an idea")
    assert draft.status == S.DRAFT
    assert response["Location"] == f"/funds/requests/{draft.pk}/"


def test_submitting_an_incomplete_form_shows_each_error_beside_its_field(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    data = form_data(in_ours.fund, in_ours.fund_question, audience="", amount="999999")
    data[f"q_{in_ours.fund_question.pk}"] = ""
    before = MdfRequest.objects.count()
    response = client.post(f"/funds/request/{in_ours.fund.pk}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_audience_error"' in page
    assert f'id="id_q_{in_ours.fund_question.pk}_error"' in page
    assert MdfRequest.objects.count() == before


def test_the_amount_above_what_is_available_is_refused_beside_it(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    available = Allocation.objects.get(pk=in_ours.allocation.pk).available
    data = form_data(in_ours.fund, in_ours.fund_question, amount=str(available + 1))
    response = client.post(f"/funds/request/{in_ours.fund.pk}/", data)
    assert response.status_code == 200
    assert 'id="id_amount_error"' in response.content.decode()
    assert "available in this fund" in response.content.decode()


def test_a_rep_submits_a_request_and_sees_it_waiting(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    response = client.post(
        f"/funds/request/{in_ours.fund.pk}/", form_data(in_ours.fund, in_ours.fund_question)
    )
    assert response.status_code == 302
    saved = MdfRequest.objects.get(title="Cloud webinar series")
    assert saved.status == S.SUBMITTED
    page = client.get(f"/funds/requests/{saved.pk}/").content.decode()
    assert "Waiting for your account manager&#x27;s decision" in page
    assert "Cloud suite" in page  # the fund's own question answered
    assert "submitted" in page  # the timeline


def test_the_request_page_shows_the_cams_question_and_the_timeline_reasons(
    in_ours, rep, cam, host_client
):
    row = request_row(in_ours.allocation, rep, status=S.INFO_REQUESTED)
    MdfRequest.objects.filter(pk=row.pk).update(info_question="Which venue will you use?")
    audit_record(
        tenant=in_ours.tenant, actor=cam.user, action="mdf.request.info_requested", obj=row,
        before={"status": "submitted"}, after={"status": "info_requested"},
        reason="Which venue will you use?",
    )  # fmt: skip
    audit_record(
        tenant=in_ours.tenant, actor=None, action="mdf.request.escalated", obj=row,
        after={"level": 1},
    )  # fmt: skip
    page = host_client(in_ours.host, rep).get(f"/funds/requests/{row.pk}/").content.decode()
    assert 'id="decision-note"' in page
    assert page.count("Which venue will you use?") == 2  # prominent, and in the timeline
    assert "Answer the CAM&#x27;s question" in page
    assert "escalated" not in page  # the vendor's own records stay with the vendor
    assert f"/funds/requests/{row.pk}/edit/" in page


def test_the_approved_request_page_shows_the_amount_claim_due_and_roi(in_ours, rep, host_client):
    row = request_row(in_ours.allocation, rep, status=S.APPROVED, amount="5000", approved="3000")
    page = host_client(in_ours.host, rep).get(f"/funds/requests/{row.pk}/").content.decode()
    assert "Approved for" in page
    assert "of the" in page  # approved in part
    assert "File your claim with its proof of performance by" in page
    assert 'id="roi"' in page


def test_once_the_claim_is_filed_the_request_page_no_longer_asks_for_it(in_ours, rep, host_client):
    funded = in_ours.funded_request  # its claim is submitted
    assert funded.claim_due_on is not None
    page = host_client(in_ours.host, rep).get(f"/funds/requests/{funded.pk}/").content.decode()
    assert "Approved for" in page
    assert in_ours.claim.reference in page
    assert "File your claim with its proof of performance by" not in page


def test_withdrawing_is_confirmed_first(in_ours, rep, host_client):
    row = request_row(in_ours.allocation, rep, status=S.SUBMITTED)
    client = host_client(in_ours.host, rep)
    url = f"/funds/requests/{row.pk}/withdraw/"
    assert "Yes, withdraw it" in client.get(url).content.decode()
    row.refresh_from_db()
    assert row.status == S.SUBMITTED
    response = client.post(url, {"reason": "Event cancelled"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == S.WITHDRAWN


def test_submitting_from_the_page_refuses_a_submitted_request_with_the_sentence(
    in_ours, rep, host_client
):
    row = in_ours.mdf_request
    client = host_client(in_ours.host, rep)
    response = client.post(f"/funds/requests/{row.pk}/submit/", follow=True)
    assert "A request that is submitted cannot be submitted." in response.content.decode()


def test_submitting_an_incomplete_draft_from_its_page_opens_the_form(in_ours, rep, host_client):
    row = request_row(in_ours.allocation, rep, status=S.DRAFT)
    MdfRequest.objects.filter(pk=row.pk).update(audience="")
    client = host_client(in_ours.host, rep)
    response = client.post(f"/funds/requests/{row.pk}/submit/")
    assert response["Location"] == f"/funds/requests/{row.pk}/edit/"
    row.refresh_from_db()
    assert row.status == S.DRAFT


def test_editing_a_submitted_request_is_refused_with_a_message(in_ours, rep, host_client):
    client = host_client(in_ours.host, rep)
    response = client.get(f"/funds/requests/{in_ours.mdf_request.pk}/edit/", follow=True)
    assert "cannot be changed" in response.content.decode()


def test_a_rep_who_may_not_request_sees_the_funds_but_no_request_button(in_ours, rep, host_client):
    MdfSettings.objects.filter(tenant=in_ours.tenant).update(reps_may_request=False)
    client = host_client(in_ours.host, rep)
    page = client.get("/funds/").content.decode()
    assert in_ours.fund.name in page
    assert f"/funds/request/{in_ours.fund.pk}/" not in page
    assert client.get(f"/funds/request/{in_ours.fund.pk}/").status_code == 403


def test_the_home_card_says_what_is_available_and_the_claim_due(in_ours, rep, host_client):
    row = request_row(in_ours.allocation, rep, status=S.APPROVED, amount="1000")
    due = timezone.localdate() + timedelta(days=3)
    MdfRequest.objects.filter(pk=row.pk).update(claim_due_on=due)
    page = host_client(in_ours.host, rep).get("/").content.decode()
    assert 'id="mdf-card"' in page
    assert "to request from" in page
    assert f"for {row.reference}" in page


def test_the_funds_page_says_when_each_window_closes_or_opens(in_ours, rep, host_client):
    from mdf.services.requests import tenant_today
    from mdf.tests.factories import allocation_row, fund_row

    today = tenant_today(in_ours.tenant)
    closed = fund_row(
        in_ours.tenant, "Closed fund", opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
    )  # fmt: skip
    starts = today + timedelta(days=40)
    ahead = fund_row(
        in_ours.tenant, "Next quarter", starts_on=starts, ends_on=starts + timedelta(days=80),
        opens_on=today - timedelta(days=1), closes_on=starts + timedelta(days=20),
        collect_ahead=True,
    )  # fmt: skip
    allocation_row(closed, in_ours.partner)
    allocation_row(ahead, in_ours.partner)
    page = host_client(in_ours.host, rep).get("/funds/").content.decode()
    assert f'id="fund-{closed.pk}-window"' in page
    assert "Requests closed on" in page
    assert "Collect ahead: submit now, reviewed when the period opens on" in page
    assert f"/funds/request/{ahead.pk}/" in page
    assert f"/funds/request/{closed.pk}/" not in page


def test_the_home_card_links_the_one_request_sent_back(in_ours, host_client):
    admin = in_ours.members[Role.PARTNER_ADMIN]
    asked = request_row(in_ours.allocation, admin, status=S.INFO_REQUESTED)
    # nothing approved waits for a claim: the world's approved requests are claimed
    page = host_client(in_ours.host, admin).get("/").content.decode()
    assert "1 request needs more information" in page
    assert f'href="/funds/requests/{asked.pk}/"' in page
