"""The portal's deal actions (submit, withdraw, won, lost, extension), export and home card."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal, DealExtension
from deals.tests.factories import registered
from prm.audit.models import AuditEvent
from prm.money import format_money
from prm.tenancy.roles import Role

from .test_portal_views import approve, rep_client

pytestmark = pytest.mark.django_db


CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


# -- Actions ----------------------------------------------------------------------------------


def test_submit_refuses_a_submitted_registration_and_changes_nothing(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    client = rep_client(ours, host_client)
    assert client.get(f"/deals/{deal.pk}/submit/").status_code == 405
    response = client.post(f"/deals/{deal.pk}/submit/", follow=True)
    assert "cannot be submitted" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert (
            AuditEvent.objects.filter(action="deals.deal.submitted", object_id=str(deal.pk)).count()
            == 1
        )


def test_submitting_a_lead_draft_without_an_amount_says_why(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP], submit=False)
        Deal.objects.filter(pk=deal.pk).update(amount=0)
    response = rep_client(ours, host_client).post(f"/deals/{deal.pk}/submit/", follow=True)
    assert "Enter the expected amount of the deal." in response.content.decode()
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.DRAFT


def test_withdraw_ends_the_claim_and_cannot_be_repeated(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    client = rep_client(ours, host_client)
    assert "Yes, withdraw it" in client.get(f"/deals/{deal.pk}/").content.decode()
    response = client.post(f"/deals/{deal.pk}/withdraw/", {"reason": "Customer went quiet"})
    assert response["Location"] == f"/deals/{deal.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "is withdrawn" in page
    assert "Customer went quiet" in page  # the timeline shows the reason
    assert "Yes, withdraw it" not in page
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.WITHDRAWN
        assert not deal.holds_claim
    again = client.post(f"/deals/{deal.pk}/withdraw/", follow=True).content.decode()
    assert "cannot be withdrawn" in again


def test_mark_won_records_the_final_amount_and_refuses_a_future_date(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    approve(ours, deal)
    client = rep_client(ours, host_client)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(f"/deals/{deal.pk}/won/", {"amount": "50000", "closed_on": tomorrow})
    assert refused.status_code == 200
    assert 'id="id_closed_on_error"' in refused.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(f"/deals/{deal.pk}/won/", {"amount": "50000", "closed_on": today})
    assert response["Location"] == f"/deals/{deal.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "is marked won" in page
    assert format_money(Decimal("50000"), "EUR") in page
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.WON
        assert deal.won_amount == Decimal("50000.00")


def test_mark_won_or_lost_is_refused_before_approval(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    client = rep_client(ours, host_client)
    today = timezone.localdate().isoformat()
    for url, data in [
        (f"/deals/{deal.pk}/won/", {"amount": "1", "closed_on": today}),
        (f"/deals/{deal.pk}/lost/", {"reason": "Price"}),
        (f"/deals/{deal.pk}/extend/", {"days": "10", "reason": "Slow legal"}),
    ]:
        assert client.get(url)["Location"] == f"/deals/{deal.pk}/"
        page = client.post(url, data, follow=True).content.decode()
        assert "cannot be" in page, url
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.SUBMITTED
        assert not DealExtension.objects.exists()


def test_mark_lost_needs_a_reason(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    approve(ours, deal)
    client = rep_client(ours, host_client)
    refused = client.post(f"/deals/{deal.pk}/lost/", {"reason": "  "})
    assert 'id="id_reason_error"' in refused.content.decode()
    response = client.post(f"/deals/{deal.pk}/lost/", {"reason": "Lost on price"})
    assert response.status_code == 302
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "is marked lost" in page
    assert "Lost on price" in page
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.LOST


def test_an_extension_request_is_sent_once_and_shown_with_its_outcome(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
    approve(ours, deal)
    client = rep_client(ours, host_client)
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "protected for your company until" in page
    assert "Request extension" in page
    too_long = client.post(f"/deals/{deal.pk}/extend/", {"days": "400", "reason": "Legal"})
    assert 'id="id_days_error"' in too_long.content.decode()
    response = client.post(f"/deals/{deal.pk}/extend/", {"days": "30", "reason": "Legal review"})
    assert response["Location"] == f"/deals/{deal.pk}/"
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "request for more time" in page
    assert "30 extra days asked" in page
    assert "Waiting for a decision" in page
    assert f"/deals/{deal.pk}/extend/" not in page  # one request at a time
    again = client.post(f"/deals/{deal.pk}/extend/", {"days": "10", "reason": "More"}, follow=True)
    assert "already waiting for a decision" in again.content.decode()
    with scope(tenant=ours.tenant):
        extension = DealExtension.objects.get()
        services.extension_decide(
            actor=ours.members[Role.CAM], extension=extension, approve=False, note="Close it now"
        )
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "Declined" in page
    assert "Close it now" in page


def test_a_rejected_registration_shows_the_reason_prominently(ours, host_client):
    with scope(tenant=ours.tenant):
        deal = registered(ours.members[Role.PARTNER_REP])
        from deals.tests.factories import RejectReasonFactory

        reason = RejectReasonFactory(tenant=ours.tenant, label="Outside your territory")
        services.deal_reject(
            actor=ours.members[Role.CAM], deal=deal, reason=reason, note="Ask the DACH partner"
        )
    page = rep_client(ours, host_client).get(f"/deals/{deal.pk}/").content.decode()
    assert "Your registration was rejected" in page
    assert "Outside your territory" in page
    assert "Ask the DACH partner" in page


# -- Export -----------------------------------------------------------------------------------


def test_the_export_holds_exactly_the_members_deals_and_is_formula_safe(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        mine = registered(rep, customer_name="=HYPERLINK(evil)", customer_website="evil.example")
        draft = registered(rep, submit=False, customer_name="Foxtrot", customer_website="fx.ex")
        teammate = registered(ours.members[Role.PARTNER_ADMIN], customer_website="team.example")
        other = registered(ours.other_partner_rep, customer_website="other.example")
    client = rep_client(ours, host_client)
    response = client.get("/deals/export/")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert mine.reference in body
    assert draft.reference in body
    assert teammate.reference not in body
    assert other.reference not in body
    assert '"\'=HYPERLINK(evil)"' in body
    filtered = b"".join(client.get("/deals/export/?status=draft").streaming_content).decode()
    assert draft.reference in filtered
    assert mine.reference not in filtered


# -- Navigation and home ----------------------------------------------------------------------


def test_the_portal_shows_the_deals_entry_and_home_card(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        deal = registered(rep)
        services.deal_request_info(actor=ours.members[Role.CAM], deal=deal, message="More?")
        registered(rep, customer_website="second.example")
    home = rep_client(ours, host_client).get("/").content.decode()
    assert 'href="/deals/"' in home
    assert "2 open registrations" in home
    assert "1 needs more information" in home
    admin_home = host_client(ours.host, ours.members[Role.PARTNER_ADMIN]).get("/").content
    assert "2 open registrations" in admin_home.decode()
