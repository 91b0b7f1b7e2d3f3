"""Leads in the partner portal: the company's list, opening one, accepting it into a draft
registration, declining it with a reason; other companies' and tenants' leads answer 404."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal, Lead
from deals.tests.factories import LeadFactory
from prm.dates import format_moment
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def assigned(partner, **overrides):
    values = {
        "tenant": partner.tenant,
        "partner": partner,
        "status": Lead.Status.ASSIGNED,
        "assigned_at": timezone.now(),
        "respond_by": timezone.now() + timedelta(days=5),
    }
    values.update(overrides)
    return LeadFactory(**values)


@pytest.fixture
def lead(ours):
    with scope(tenant=ours.tenant):
        return assigned(ours.partner, customer_name="Fabrikam Foods")


def test_an_empty_lead_list_says_what_happens_next(ours, host_client):
    page = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/deals/leads/")
    html = page.content.decode()
    assert "No leads yet" in html
    assert "Answer each lead by its deadline" in html


def test_the_list_shows_the_companys_leads_new_until_opened(ours, host_client, lead):
    with scope(tenant=ours.tenant):
        other = assigned(ours.other_partner, customer_name="Other Company Lead")
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    html = client.get("/deals/leads/").content.decode()
    assert "Fabrikam Foods" in html
    assert "Other Company Lead" not in html
    assert ">New<" in html
    page = client.get(f"/deals/leads/{lead.pk}/").content.decode()
    assert "Answer by" in page
    with scope(tenant=ours.tenant):
        lead.refresh_from_db()
        assert lead.opened_at is not None
        first_open = lead.opened_at
    client.get(f"/deals/leads/{lead.pk}/")
    with scope(tenant=ours.tenant):
        lead.refresh_from_db()
        assert lead.opened_at == first_open  # only the first open is recorded
    html = client.get("/deals/leads/").content.decode()
    assert ">Opened<" in html
    assert ">New<" not in html
    assert other.pk  # created, and never shown


def test_accepting_a_lead_makes_a_draft_to_complete(ours, host_client, lead):
    rep = ours.members[Role.PARTNER_REP]
    client = host_client(ours.host, rep)
    assert client.get(f"/deals/leads/{lead.pk}/accept/").status_code == 405
    response = client.post(f"/deals/leads/{lead.pk}/accept/")
    with scope(tenant=ours.tenant):
        deal = Deal.objects.get()
        lead.refresh_from_db()
        assert lead.status == Lead.Status.ACCEPTED
        assert deal.owner == rep
        assert deal.status == Deal.Status.DRAFT
        assert deal.customer_name == "Fabrikam Foods"
    assert response["Location"] == f"/deals/{deal.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert "Complete the registration and submit it" in page
    assert 'value="Fabrikam Foods"' in page
    # Answered: no second acceptance, and the lead page links to the registration.
    again = client.post(f"/deals/leads/{lead.pk}/accept/", follow=True).content.decode()
    assert "cannot be changed that way any more" in again
    assert f'href="/deals/{deal.pk}/"' in again
    with scope(tenant=ours.tenant):
        assert Deal.objects.count() == 1


def test_declining_needs_a_reason_and_sends_the_lead_back(ours, host_client, lead):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    refused = client.post(f"/deals/leads/{lead.pk}/decline/", {"reason": "other", "note": ""})
    assert refused.status_code == 200
    assert 'id="id_note_error"' in refused.content.decode()
    missing = client.post(f"/deals/leads/{lead.pk}/decline/", {"note": "No"})
    assert 'id="id_reason_error"' in missing.content.decode()
    with scope(tenant=ours.tenant):
        lead.refresh_from_db()
        assert lead.status == Lead.Status.ASSIGNED
    response = client.post(
        f"/deals/leads/{lead.pk}/decline/", {"reason": "contacted", "note": "We know them"}
    )
    assert response["Location"] == "/deals/leads/"
    assert "is declined" in client.get("/deals/leads/").content.decode()
    with scope(tenant=ours.tenant):
        lead.refresh_from_db()
        assert lead.status == Lead.Status.DECLINED
        assert lead.decline_reason == Lead.DeclineReason.CONTACTED
        assert lead.decline_note == "We know them"
    again = client.post(
        f"/deals/leads/{lead.pk}/decline/", {"reason": "spam"}, follow=True
    ).content.decode()
    assert "cannot be changed that way any more" in again
    with scope(tenant=ours.tenant):
        lead.refresh_from_db()
        assert lead.decline_reason == Lead.DeclineReason.CONTACTED


def _lead_urls(pk):
    return [
        ("get", f"/deals/leads/{pk}/"),
        ("post", f"/deals/leads/{pk}/accept/"),
        ("get", f"/deals/leads/{pk}/decline/"),
        ("post", f"/deals/leads/{pk}/decline/"),
    ]


def test_another_partners_or_tenants_lead_answers_404(ours, theirs, host_client):
    with scope(tenant=ours.tenant):
        other = assigned(ours.other_partner)
    with scope(tenant=theirs.tenant):
        foreign = assigned(theirs.partner)
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    for pk in (other.pk, foreign.pk):
        for method, url in _lead_urls(pk):
            data = {"reason": "spam"} if method == "post" else None
            assert getattr(client, method)(url, data).status_code == 404, url
    with scope(tenant=ours.tenant):
        other.refresh_from_db()
        assert other.status == Lead.Status.ASSIGNED
        assert other.opened_at is None
        assert not Deal.objects.exists()


def home_leads(client) -> str:
    home = client.get("/").content.decode()
    if 'id="deals-leads"' not in home:
        return ""
    start = home.index('id="deals-leads"')
    return home[start : home.index("</ul>", start)]


def test_an_opened_lead_stays_on_the_home_card_with_its_deadline_until_answered(
    ours, host_client, lead
):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    shown = home_leads(client)
    assert "Fabrikam Foods" in shown
    assert ">New<" in shown
    with timezone.override(ours.tenant.time_zone):
        assert f"answer by {format_moment(lead.respond_by)}" in shown
    client.get(f"/deals/leads/{lead.pk}/")  # opened, not answered
    shown = home_leads(client)
    assert "Fabrikam Foods" in shown
    assert ">New<" not in shown
    assert "answer by" in shown
    client.post(f"/deals/leads/{lead.pk}/decline/", {"reason": "not_interested"})
    assert "Fabrikam Foods" not in home_leads(client)


def test_the_home_card_lists_the_earliest_deadlines_first_and_counts_the_rest(
    ours, host_client, lead
):
    soon = timezone.now() + timedelta(hours=3)
    with scope(tenant=ours.tenant):
        assigned(ours.partner, customer_name="Urgent Lead", respond_by=soon)
        assigned(ours.partner, customer_name="Late Lead", respond_by=soon - timedelta(days=2))
        assigned(ours.partner, customer_name="Relaxed Lead",
                 respond_by=soon + timedelta(days=20))  # fmt: skip
        assigned(ours.other_partner, customer_name="Not Our Lead")
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    shown = home_leads(client)
    assert shown.index("Late Lead") < shown.index("Urgent Lead") < shown.index("Fabrikam Foods")
    assert "answer was due" in shown  # the late one, in red
    assert "Relaxed Lead" not in shown
    assert "and 1 more" in shown
    assert "Not Our Lead" not in client.get("/").content.decode()
    assert "4 leads to answer" in client.get("/").content.decode()


def test_answering_a_lead_marks_its_notification_read(ours, host_client):
    with scope(tenant=ours.tenant):
        staff = ours.members[Role.PARTNER_OPS]
        data = services.LeadInput(
            customer_name="Notified Lead", customer_website="notified.example", country="US",
            contact_name="Nia", contact_email="nia@notified.example", contact_role="", notes="",
        )  # fmt: skip
        made = services.lead_create(actor=staff, data=data)
        sent = services.lead_assign(actor=staff, lead=made, partner=ours.partner)
        rep = ours.members[Role.PARTNER_REP]
        notice = Notification.objects.get(recipient=rep.user, event="deals.lead.assigned")
        assert notice.read_at is None
    host_client(ours.host, rep).post(f"/deals/leads/{sent.pk}/accept/")
    with scope(tenant=ours.tenant):
        notice.refresh_from_db()
        assert notice.read_at is not None
