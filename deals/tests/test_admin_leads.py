"""Leads in the admin UI: the list, a new lead through the service, assigning it to a partner."""

import pytest
from django_scopes import scope

from deals.models import Lead
from deals.tests.factories import LeadFactory
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

LIST = "/admin/deals/lead/"

NEW_LEAD = {
    "customer_name": "Proseware Inc",
    "customer_website": "proseware.example",
    "country": "FR",
    "contact_name": "Pat Prose",
    "contact_email": "pat@proseware.example",
    "contact_role": "CTO",
    "notes": "Met at the trade fair",
}


def assign_url(lead) -> str:
    return f"/admin/deals/lead/{lead.pk}/assign/"


@pytest.fixture
def cam(ours, host_client):
    return host_client(ours.host, ours.members[Role.CAM])


@pytest.fixture
def leads(ours):
    with scope(tenant=ours.tenant):
        queued = LeadFactory(tenant=ours.tenant, customer_name="Queued Corp")
        mine = LeadFactory(tenant=ours.tenant, customer_name="Mine Corp", partner=ours.partner,
                           status=Lead.Status.ASSIGNED)  # fmt: skip
        other = LeadFactory(tenant=ours.tenant, customer_name="Other Corp",
                            partner=ours.other_partner, status=Lead.Status.ASSIGNED)  # fmt: skip
    return queued, mine, other


@pytest.mark.django_db
def test_the_cam_creates_a_lead_and_is_taken_to_assign_it(ours, cam):
    form = cam.get(LIST + "add/")
    assert form.status_code == 200
    response = cam.post(LIST + "add/", NEW_LEAD)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        lead = Lead.objects.get(tenant=ours.tenant)
        assert AuditEvent.objects.filter(action="deals.lead.created").exists()
    assert response["Location"] == assign_url(lead)
    assert lead.status == Lead.Status.NEW
    assert lead.contact_role == "CTO"
    assert str(lead.country) == "FR"


@pytest.mark.django_db
def test_a_new_lead_needs_a_company_and_a_valid_email_beside_the_fields(ours, cam):
    response = cam.post(LIST + "add/", {**NEW_LEAD, "customer_name": "", "contact_email": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_customer_name_error"' in page
    assert 'id="id_contact_email_error"' in page
    with scope(tenant=ours.tenant):
        assert not Lead.objects.filter(tenant=ours.tenant).exists()


@pytest.mark.django_db
def test_the_cam_assigns_a_lead_to_a_partner_they_manage_only(ours, leads, cam):
    queued, _mine, _other = leads
    page = cam.get(assign_url(queued)).content.decode()
    assert ours.partner.name in page
    assert ours.other_partner.name not in page
    refused = cam.post(assign_url(queued), {"partner": ours.other_partner.pk})
    assert refused.status_code == 200
    assert 'id="id_partner_error"' in refused.content.decode()
    with scope(tenant=ours.tenant):
        assert Lead.objects.get(pk=queued.pk).status == Lead.Status.NEW
    response = cam.post(assign_url(queued), {"partner": ours.partner.pk})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        found = Lead.objects.get(pk=queued.pk)
    assert found.status == Lead.Status.ASSIGNED
    assert found.partner == ours.partner
    assert found.respond_by is not None


@pytest.mark.django_db
def test_an_assigned_lead_cannot_be_assigned_again(ours, leads, cam):
    _queued, mine, _other = leads
    response = cam.get(assign_url(mine), follow=True)
    assert response.redirect_chain[0][0] == f"/admin/deals/lead/{mine.pk}/change/"
    assert "can be assigned only" in response.content.decode()


@pytest.mark.django_db
def test_the_cam_lists_the_queue_and_their_partners_leads_only(ours, leads, cam):
    _queued, mine, other = leads
    page = cam.get(LIST).content.decode()
    assert "Queued Corp" in page
    assert "Mine Corp" in page
    assert "Other Corp" not in page
    assert "unopened" in page
    assert cam.get(f"/admin/deals/lead/{other.pk}/change/").status_code == 404
    assert cam.get(assign_url(other)).status_code == 404
    detail = cam.get(f"/admin/deals/lead/{mine.pk}/change/").content.decode()
    assert 'name="_save"' not in detail  # read-only: it changes through its services


@pytest.mark.django_db
def test_another_tenants_lead_is_missing(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        foreign = LeadFactory(tenant=theirs.tenant)
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert leader.get(f"/admin/deals/lead/{foreign.pk}/change/").status_code == 404
    assert leader.get(assign_url(foreign)).status_code == 404


@pytest.mark.django_db
def test_an_empty_lead_list_says_what_to_do_next(ours, cam):
    assert "Add a lead" in cam.get(LIST).content.decode()
