"""The request queue, the decision screen and the decision pages in the vendor admin UI."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from mdf import ledger
from mdf.admin.requests import roi_text
from mdf.models import Allocation, Fund, MdfRequest
from mdf.roi import Roi
from mdf.tests.factories import request_row
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

QUEUE = "/admin/mdf/mdfrequest/"


def change_url(r) -> str:
    return f"/admin/mdf/mdfrequest/{r.pk}/change/"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_cams_queue_lists_their_partners_waiting_requests_with_balance_and_roi(
    ours, host_client
):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = page(cam, QUEUE)
    assert ours.mdf_request.reference in html
    assert ours.other_mdf_request.reference not in html  # not the CAM's partner
    assert ours.funded_request.reference not in html  # decided: not waiting
    assert "13,000.00" in html  # the partner's available balance in the fund
    assert "× revenue" in html  # its past ROI (a claim approved, no deal won yet)
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert ours.other_mdf_request.reference in page(leader, QUEUE)


def test_the_queue_puts_the_overdue_request_first(ours, host_client):
    with scope(tenant=ours.tenant):
        late = request_row(ours.allocation, ours.members[Role.PARTNER_REP], title="Late one")
        MdfRequest.objects.filter(pk=late.pk).update(
            sla_due_at=timezone.now() - timedelta(hours=30)
        )
    html = page(host_client(ours.host, ours.members[Role.CAM]), QUEUE)
    assert html.index(late.reference) < html.index(ours.mdf_request.reference)
    assert "overdue by" in html
    overdue = page(host_client(ours.host, ours.members[Role.CAM]), QUEUE + "?overdue=yes")
    assert late.reference in overdue
    assert ours.mdf_request.reference not in overdue


def test_the_queue_filters_by_status_fund_and_partner_and_survives_bad_values(ours, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    approved = page(leader, QUEUE + "?status=approved")
    assert ours.funded_request.reference in approved
    assert ours.mdf_request.reference not in approved
    by_partner = page(leader, f"{QUEUE}?partner={ours.other_partner.pk}")
    assert ours.other_mdf_request.reference in by_partner
    assert ours.mdf_request.reference not in by_partner
    assert ours.mdf_request.reference in page(leader, f"{QUEUE}?fund={ours.fund.pk}")
    for bad in ("?fund=abc", "?status=nope", "?overdue=%00"):
        assert leader.get(QUEUE + bad).status_code in (200, 302)


def test_an_empty_queue_says_what_to_do(ours, host_client):
    with scope(tenant=ours.tenant):
        MdfRequest.objects.filter(tenant=ours.tenant, status="submitted").update(status="withdrawn")
    html = page(host_client(ours.host, ours.members[Role.CAM]), QUEUE)
    assert 'id="empty-queue"' in html


def test_the_decision_screen_shows_answers_balance_clock_and_the_allowed_actions(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = page(cam, change_url(ours.mdf_request))
    assert "Which products will you feature?" in html
    assert "Cloud suite" in html
    assert "IT managers of mid-sized companies" in html
    assert "13,000.00 available of" in html
    assert "20,000.00 allocated" in html
    assert 'id="decision-clock"' in html
    for action in ("request-approve", "request-info", "request-reject", "request-decline"):
        assert f'id="{action}"' in html
    assert 'id="request-approve-second"' not in html
    assert cam.get(change_url(ours.other_mdf_request)).status_code == 404


def test_a_cam_approves_part_of_a_request_on_its_page(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/mdf/review/request/{ours.mdf_request.pk}/approve/"
    form = page(cam, url)
    assert 'value="5000.00"' in form  # prefilled with the amount requested
    refused = cam.post(url, {"amount": "3000", "reason": ""})
    assert refused.status_code == 200
    assert "Say why you approve less" in refused.content.decode()
    done = cam.post(url, {"amount": "3000", "reason": "Venue only"})
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        r = MdfRequest.objects.get(pk=ours.mdf_request.pk)
        assert (r.status, r.approved_amount) == ("approved", Decimal("3000.00"))
        assert Allocation.objects.get(pk=ours.allocation.pk).committed == Decimal("8000.00")
    # decided: the page sends back to the screen with why
    again = cam.get(url)
    assert again.status_code == 302


def test_an_approval_beyond_the_balance_shows_the_ledgers_sentence(ours, host_client):
    with scope(tenant=ours.tenant):
        big = request_row(ours.allocation, ours.members[Role.PARTNER_REP], amount="15000")
    cam = host_client(ours.host, ours.members[Role.CAM])
    response = cam.post(
        f"/admin/mdf/review/request/{big.pk}/approve/", {"amount": "15000", "reason": ""}
    )
    assert response.status_code == 200
    assert "Not enough left in the allocation" in response.content.decode()


def test_a_program_leader_gives_the_second_approval(ours, host_client):
    with scope(tenant=ours.tenant):
        Fund.objects.filter(pk=ours.fund.pk).update(second_approval_above=Decimal("1000"))
    cam = host_client(ours.host, ours.members[Role.CAM])
    base = f"/admin/mdf/review/request/{ours.mdf_request.pk}"
    assert cam.post(f"{base}/approve/", {"amount": "5000.00"}).status_code == 302
    assert cam.get(f"{base}/second-approval/").status_code == 403
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = page(leader, change_url(ours.mdf_request))
    assert 'id="second-approval-banner"' in html
    assert 'id="request-approve-second"' in html
    assert leader.post(f"{base}/second-approval/", {"reason": ""}).status_code == 302
    with scope(tenant=ours.tenant):
        assert MdfRequest.objects.get(pk=ours.mdf_request.pk).status == "approved"


def test_reject_decline_and_ask_need_their_text(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    base = f"/admin/mdf/review/request/{ours.mdf_request.pk}"
    for page_name, field in (
        ("reject", "reason"),
        ("decline", "reason"),
        ("request-info", "question"),
    ):
        response = cam.post(f"{base}/{page_name}/", {field: ""})
        assert response.status_code == 200
        assert 'class="prm-errorlist"' in response.content.decode()
    assert cam.post(f"{base}/decline/", {"reason": "Not a fit"}).status_code == 302
    with scope(tenant=ours.tenant):
        assert MdfRequest.objects.get(pk=ours.mdf_request.pk).status == "declined"


def test_extend_and_release_an_approved_request(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    with scope(tenant=ours.tenant):
        unclaimed = request_row(
            ours.allocation, ours.members[Role.PARTNER_REP], status="approved", amount="1000"
        )
    base = f"/admin/mdf/review/request/{unclaimed.pk}"
    html = page(cam, change_url(unclaimed))
    assert 'id="request-extend"' in html
    assert 'id="request-release"' in html
    until = (timezone.localdate() + timedelta(days=40)).isoformat()
    assert (
        cam.post(f"{base}/extend-claim/", {"until": until, "reason": "Late invoices"}).status_code
        == 302
    )
    assert cam.post(f"{base}/release/", {"reason": "Cancelled"}).status_code == 302
    with scope(tenant=ours.tenant):
        r = MdfRequest.objects.get(pk=unclaimed.pk)
        assert r.claim_due_on.isoformat() == until
        assert ledger.held_by(r) == 0  # released
    # a request with a claim filed is not released from here
    assert 'id="request-release"' not in page(cam, change_url(ours.funded_request))


def test_a_partners_past_roi_counts_its_campaigns_in_words_and_its_figures_formatted():
    assert roi_text(None) == ("no claims yet", "No claim of this partner was approved yet.")
    one = Roi(
        currency="USD",
        spend=Decimal("3360"),
        pipeline=Decimal("48000"),
        revenue=Decimal("48000"),
        leads=1200,
        campaigns=1,
    )
    label, title = roi_text(one)
    assert label == "14.3× revenue"
    assert title == (
        "1 funded campaign: $3,360.00 spent, $48,000.00 won, $48,000.00 pipeline, 1,200 leads"
    )
    two = Roi(
        currency="USD",
        spend=Decimal("4000"),
        pipeline=Decimal("0"),
        revenue=Decimal("0"),
        leads=3,
        campaigns=2,
    )
    assert roi_text(two)[1].startswith("2 funded campaigns: $4,000.00 spent")
