"""The deals sections of the partner page: registrations by status, and leads."""

import pytest
from django.utils import timezone

from deals.models import Deal, Lead
from deals.services import deal_approve
from deals.tests.factories import LeadFactory, registered
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def page(partner):
    return f"/admin/partners/partner/{partner.pk}/overview/"


def test_the_page_shows_the_partners_deals_by_status_each_a_link(world, host_client):
    rep_a, rep_b = world.members[Role.PARTNER_REP], world.other_partner_rep
    cam = world.members[Role.CAM]
    waiting = registered(rep_a, customer_name="Wait Co", customer_website="wait.example")
    approved = registered(rep_a, customer_name="Yes Co", customer_website="yes.example")
    deal_approve(actor=cam, deal=approved)
    registered(rep_a, submit=False, customer_name="Draft Co", customer_website="d.example")
    registered(rep_b, customer_name="Other Co", customer_website="other.example")
    client = host_client(world.host, cam)
    html = client.get(page(world.partner)).content.decode()
    section = html[html.index('id="section-deals"') : html.index('id="section-leads"')]
    assert "Wait Co" in section
    assert "Yes Co" in section
    assert "Draft Co" not in section  # a draft is the partner's own until submitted
    assert "Other Co" not in section
    link = f"/admin/deals/deal/?status=submitted&amp;partner={world.partner.pk}"
    assert link in section
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert waiting.reference in listed
    assert approved.reference not in listed
    assert "Open pipeline" in section
    # The approval reads as a sentence in the recent activity.
    assert f"approved {approved.reference} Yes Co" in html


def test_a_partner_without_registrations_says_where_they_come_from(world, host_client):
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    html = client.get(page(world.other_partner)).content.decode()
    assert "No submitted registration yet" in html
    assert Deal.objects.filter(partner=world.other_partner).count() == 0


def test_the_page_lists_the_leads_waiting_for_the_partners_answer(world, host_client):
    LeadFactory(tenant=world.tenant, partner=world.partner, status=Lead.Status.ASSIGNED,
                customer_name="Late Lead", respond_by=timezone.now())  # fmt: skip
    LeadFactory(tenant=world.tenant, partner=world.partner, status=Lead.Status.ACCEPTED)
    LeadFactory(tenant=world.tenant, partner=world.other_partner, status=Lead.Status.ASSIGNED,
                customer_name="Not Theirs")  # fmt: skip
    html = host_client(world.host, world.members[Role.CAM]).get(page(world.partner))
    section = html.content.decode()
    section = section[section.index('id="section-leads"') :]
    assert "Late Lead" in section
    assert "answer overdue" in section
    assert "1 waiting for its answer · 1 accepted · 0 declined" in section
    assert "Not Theirs" not in section
