"""The deals cards of the staff home: registrations to decide, with their clock, and leads."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape
from django_scopes import scope

from deals.models import Deal, Lead
from deals.services import deal_approve, deal_request_info, extension_request
from deals.tests.factories import LeadFactory, registered
from deals.todo import decisions_todo, leads_todo
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def lines_of(card):
    return {line.text: (line.count, line.url) for line in card.lines}


@pytest.fixture
def waiting(world):
    """Partner A (the CAM's): an overdue registration, one within target, one sent back to the
    partner and an approved one with an extension request; partner B (not the CAM's): one
    waiting, and a conflict with A's customer."""
    rep_a, rep_b = world.members[Role.PARTNER_REP], world.other_partner_rep
    cam = world.members[Role.CAM]
    overdue = registered(rep_a, customer_name="Overdue Oy", customer_website="overdue.example")
    Deal.objects.filter(pk=overdue.pk).update(sla_due_at=timezone.now() - timedelta(hours=30))
    fresh = registered(rep_a, customer_name="Fresh AG", customer_website="fresh.example")
    asked = registered(rep_a, customer_name="Asked Ltd", customer_website="asked.example")
    deal_request_info(actor=cam, deal=asked, message="Which division?")
    protected = registered(rep_a, customer_name="Kept Inc", customer_website="kept.example")
    deal_approve(actor=cam, deal=protected)
    extension_request(actor=rep_a, deal=protected, days=30, reason="Budget moved")
    theirs = registered(rep_b, customer_name="Bee GmbH", customer_website="bee.example")
    conflict = registered(rep_b, customer_name="Fresh AG", customer_website="fresh.example")
    return {"overdue": overdue, "fresh": fresh, "theirs": theirs, "conflict": conflict}


def test_the_cam_counts_only_their_partners_registrations(world, waiting):
    card = decisions_todo(world.members[Role.CAM])
    counts = {text: count for text, (count, _url) in lines_of(card).items()}
    assert counts == {
        "overdue for a decision": 1,
        "waiting for a decision": 2,
        "in conflict with another partner's registration": 0,
        "extension request to decide": 1,
        "sent back to the partner for more information": 1,
    }
    assert [row.title for row in card.rows] == [
        f"{waiting['overdue'].reference} Overdue Oy",
        f"{waiting['fresh'].reference} Fresh AG",
    ]
    assert card.urgent


def test_a_program_leader_counts_every_partners_registrations(world, waiting):
    card = decisions_todo(world.members[Role.PROGRAM_LEADER])
    counts = {text: count for text, (count, _url) in lines_of(card).items()}
    assert counts["waiting for a decision"] == 4
    assert counts["in conflict with another partner's registration"] == 1
    assert len(card.rows) == 4


def test_each_line_links_to_the_list_of_exactly_its_items(world, waiting, host_client):
    client = host_client(world.host, world.members[Role.CAM])
    card = decisions_todo(world.members[Role.CAM])
    by_text = lines_of(card)
    overdue_list = client.get(by_text["overdue for a decision"][1]).content.decode()
    assert "Overdue Oy" in overdue_list
    assert "Fresh AG" not in overdue_list
    extensions = client.get(by_text["extension request to decide"][1]).content.decode()
    assert "Kept Inc" in extensions
    assert "Overdue Oy" not in extensions
    leader = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    leader_card = decisions_todo(world.members[Role.PROGRAM_LEADER])
    conflicts = leader.get(
        lines_of(leader_card)["in conflict with another partner's registration"][1]
    ).content.decode()
    assert waiting["conflict"].reference in conflicts
    assert waiting["fresh"].reference not in conflicts


def test_the_home_shows_the_overdue_registration_first_with_its_clock(world, waiting, host_client):
    client = host_client(world.host, world.members[Role.CAM])
    html = client.get("/admin/").content.decode()
    assert "Registrations to decide" in html
    link = f'href="/admin/deals/deal/{waiting["overdue"].pk}/change/"'
    assert link in html
    assert html.index(link) < html.index(f'href="/admin/deals/deal/{waiting["fresh"].pk}/change/"')
    assert "overdue by" in html
    assert waiting["theirs"].reference not in html  # partner B is not the CAM's


def test_an_empty_queue_says_so(world, host_client):
    card = decisions_todo(world.members[Role.CAM])
    assert card.shown_lines == []
    client = host_client(world.host, world.members[Role.CAM])
    assert escape(str(card.empty)) in client.get("/admin/").content.decode()


def test_leads_to_route_and_unanswered_leads_of_the_cams_partners(world):
    LeadFactory(tenant=world.tenant, partner=None, status=Lead.Status.NEW)
    LeadFactory(tenant=world.tenant, partner=world.partner, status=Lead.Status.DECLINED)
    LeadFactory(tenant=world.tenant, partner=world.partner, status=Lead.Status.ASSIGNED)
    LeadFactory(tenant=world.tenant, partner=world.partner, status=Lead.Status.ASSIGNED,
                opened_at=timezone.now())  # fmt: skip
    LeadFactory(tenant=world.tenant, partner=world.other_partner, status=Lead.Status.ASSIGNED)
    cam = leads_todo(world.members[Role.CAM])
    assert [(line.count, line.url.split("?")[1]) for line in cam.lines] == [
        (1, "status=new"),
        (1, "status=declined"),
        (2, "status=assigned"),
    ]
    assert "(1 not opened yet)" in cam.lines[2].text
    leader = leads_todo(world.members[Role.PROGRAM_LEADER])
    assert leader.lines[2].count == 3


def test_the_leads_card_of_a_member_who_cannot_route_only_watches(world, monkeypatch):
    cam = world.members[Role.CAM]
    monkeypatch.setattr(type(cam), "can", lambda self, cap: cap != "deals.leads")
    with scope(tenant=world.tenant):
        card = leads_todo(cam)
    assert [line.url.split("?")[1] for line in card.lines] == ["status=assigned"]
