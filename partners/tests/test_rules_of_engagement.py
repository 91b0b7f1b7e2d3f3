"""The rules of engagement: program leaders and partner ops write them in the admin UI (with a
preview, audited), partners read them in the portal, each tenant its own."""

import pytest
from django_scopes import scope

from partners.models import RulesOfEngagement
from partners.selectors import rules_of_engagement_for
from prm.audit.models import AuditEvent
from prm.audit.sentences import describe
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

ADMIN = "/admin/partners/rulesofengagement/"
PORTAL = "/program/rules-of-engagement/"
TEXT = "First valid registration wins.\n\nProtection lasts <90> days.\nExtensions on request."


def _write(world, host_client, body: str, role: str = Role.PROGRAM_LEADER, client=None):
    client = client or host_client(world.host, world.members[role])
    return client.post(f"{ADMIN}{world.rules_of_engagement.pk}/change/", {"body": body})


def test_the_list_opens_the_tenants_own_rules(ours, theirs, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = leader.get(ADMIN)
    assert response["Location"] == f"{ADMIN}{ours.rules_of_engagement.pk}/change/"
    assert leader.get(f"{ADMIN}{theirs.rules_of_engagement.pk}/change/").status_code == 404


@pytest.mark.parametrize("role", [Role.PROGRAM_LEADER, Role.PARTNER_OPS])
def test_program_staff_write_the_rules_audited_and_see_a_preview(ours, host_client, role):
    client = host_client(ours.host, ours.members[role])
    response = _write(ours, host_client, TEXT, client=client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The rules of engagement are saved" in page
    # The preview is the portal's rendering: paragraphs kept, the text escaped.
    assert "<p>First valid registration wins.</p>" in page
    assert "<p>Protection lasts &lt;90&gt; days.<br>Extensions on request.</p>" in page
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="partners.rulesofengagement.changed")
        assert event.actor == ours.members[role].user
        sentence = describe(event).text
    assert sentence.endswith("changed the rules of engagement partners read in the portal")


def test_a_cam_and_partner_users_cannot_change_the_rules(ours, host_client):
    for role in (Role.CAM, Role.PARTNER_ADMIN):
        response = _write(ours, host_client, "Mine now", role)
        assert response.status_code in (302, 403), role
    with scope(tenant=ours.tenant):
        assert rules_of_engagement_for(ours.tenant).body != "Mine now"


def test_partners_read_their_vendors_rules_with_the_paragraphs_kept(ours, theirs, host_client):
    _write(ours, host_client, TEXT)
    _write(theirs, host_client, "The other vendor writes its own rules.")
    for role in (Role.PARTNER_ADMIN, Role.PARTNER_REP):
        page = host_client(ours.host, ours.members[role]).get(PORTAL).content.decode()
        assert "<p>First valid registration wins.</p>" in page
        assert "Protection lasts &lt;90&gt; days.<br>Extensions on request." in page
        assert "Last changed" in page
        assert "The other vendor writes its own rules." not in page
    other = host_client(theirs.host, theirs.members[Role.PARTNER_REP]).get(PORTAL)
    assert "The other vendor writes its own rules." in other.content.decode()
    assert "First valid registration wins." not in other.content.decode()


def test_rules_not_written_yet_say_who_to_ask(ours, host_client):
    with scope(tenant=ours.tenant):
        RulesOfEngagement.objects.filter(tenant=ours.tenant).update(body="")
    page = host_client(ours.host, ours.members[Role.PARTNER_REP]).get(PORTAL).content.decode()
    assert "has not published its rules of engagement yet" in page
    assert "ask your account manager" in page


def test_the_rules_are_linked_from_the_footer_the_agreement_and_the_deal_form(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    link = f'href="{PORTAL}"'
    for path in ("/", "/program/agreement/", "/deals/new/"):
        assert link in client.get(path).content.decode(), path
    agreement = client.get("/program/agreement/").content.decode()
    assert "part of this agreement" in agreement
    # Vendor staff work in the admin UI: the portal's footer link is for partners.
    anonymous = host_client(ours.host).get("/accounts/login/").content.decode()
    assert link not in anonymous
