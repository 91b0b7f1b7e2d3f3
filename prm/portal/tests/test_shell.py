"""The portal shell: branding that cannot inject CSS, navigation that shows only usable features."""

import pytest
from django_scopes import scope

from prm.portal import nav
from prm.tenancy.branding import branding_for
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role


def test_branding_never_passes_a_non_hex_colour_to_css():
    tenant = Tenant(name="X", primary_colour="red;}</style>", accent_colour="#ABCDEF")
    branding = branding_for(tenant)
    assert branding.primary == "#1f6feb"
    assert branding.accent == "#abcdef"


@pytest.mark.parametrize(("colour", "text"), [("#ffffff", "#000000"), ("#0b5cad", "#ffffff")])
def test_text_on_the_primary_colour_stays_readable(colour, text):
    assert branding_for(Tenant(name="X", primary_colour=colour)).on_primary == text


@pytest.mark.django_db
def test_navigation_lists_only_what_the_role_may_use(ours):
    # in the tenant's scope, as a request is: an entry may ask a tenant setting (`visible`)
    with scope(tenant=ours.tenant):
        admin_items = {i.url_name for i in nav.items_for(ours.members[Role.PARTNER_ADMIN])}
        rep_items = {i.url_name for i in nav.items_for(ours.members[Role.PARTNER_REP])}
    assert "accounts:team" in admin_items
    assert "accounts:team" not in rep_items
    assert "portal:home" in rep_items
    assert nav.items_for(None) == []


@pytest.mark.django_db
def test_my_portals_lists_only_the_users_other_memberships(ours, theirs, host_client):
    from prm.tenancy.tests.factories import partner_membership

    person = ours.members[Role.PARTNER_REP].user
    partner_membership(theirs.partner, user=person)
    page = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/portals/").content.decode()
    assert theirs.tenant.portal_title in page
    assert f"http://{theirs.host}:8000/" in page
    assert theirs.partner.name in page
    lonely = host_client(ours.host, ours.members[Role.PARTNER_ADMIN]).get("/portals/")
    assert "You belong to no other partner program" in lonely.content.decode()
