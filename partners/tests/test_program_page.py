"""The portal's "My program" page: tier and path, agreement status, the company's users."""

import pytest
from django_scopes import scope

from partners.agreements.services import agreement_publish
from partners.models import TierRequirement
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_shows_tier_path_with_progress_and_the_ladder(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.partner.tier = ours.tier
        ours.partner.save(update_fields=["tier"])
        gold = ours.tier.__class__.objects.create(tenant=ours.tenant, name="Gold", rank=9)
        TierRequirement.objects.create(
            tenant=ours.tenant, tier=gold, metric="partners.active_users", threshold=50
        )
    page = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/program/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "more active users → Gold" in html
    assert 'role="progressbar"' in html
    assert ours.tier.name in html


def test_agreement_status_asks_admins_to_accept_and_shows_who_accepted(ours, host_client):
    admin = ours.members[Role.PARTNER_ADMIN]
    with scope(tenant=ours.tenant):
        agreement_publish(actor=ours.members[Role.PROGRAM_LEADER], title="Terms 2027",
                          body_html="<p>Be nice</p>")  # fmt: skip
    client = host_client(ours.host, admin)
    assert "Read and accept" in client.get("/program/").content.decode()
    client.post("/program/agreement/", {"confirm": "on"})
    html = client.get("/program/").content.decode()
    assert f"was accepted by {admin.user.email}" in html


def test_team_section_only_for_partner_admins(ours, host_client):
    admin_page = host_client(ours.host, ours.members[Role.PARTNER_ADMIN]).get("/program/")
    rep_page = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/program/")
    assert "Your company&#x27;s users" in admin_page.content.decode()
    assert "Your company&#x27;s users" not in rep_page.content.decode()
    # Only the company's own users are listed, never the other partner's.
    assert ours.other_partner_rep.user.email not in admin_page.content.decode()
