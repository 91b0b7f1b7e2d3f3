"""Setting up deal registration in the admin UI: products, rejection reasons, the settings page."""

import pytest
from django_scopes import scope

from deals.models import DealSettings, Product
from deals.selectors import deal_settings_for
from prm.tenancy.roles import Role

SETTINGS = "/admin/deals/dealsettings/"


@pytest.mark.django_db
def test_the_settings_list_opens_the_tenants_own_settings(ours, theirs, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    with scope(tenant=ours.tenant):
        mine = deal_settings_for(ours.tenant)
    with scope(tenant=theirs.tenant):
        foreign = deal_settings_for(theirs.tenant)
    response = leader.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == f"{SETTINGS}{mine.pk}/change/"
    assert leader.get(f"{SETTINGS}{foreign.pk}/change/").status_code == 404


@pytest.mark.django_db
def test_a_leader_changes_the_rules_of_engagement(ours, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    with scope(tenant=ours.tenant):
        row = deal_settings_for(ours.tenant)
    data = {
        "engagement_rule": DealSettings.Engagement.CAM_DECIDES,
        "protection_days": 120,
        "sla_hours": 24,
        "escalation_hours": 8,
        "expiry_warning_days": 10,
        "max_extension_days": 30,
        "lead_response_days": 3,
        "on_partner_exit": DealSettings.PartnerExit.FREEZE,
    }
    response = leader.post(f"{SETTINGS}{row.pk}/change/", data)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        row.refresh_from_db()
    assert row.engagement_rule == DealSettings.Engagement.CAM_DECIDES
    assert row.protection_days == 120
    assert row.on_partner_exit == DealSettings.PartnerExit.FREEZE
    bad = leader.post(f"{SETTINGS}{row.pk}/change/", {**data, "protection_days": 1})
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode()


@pytest.mark.django_db
def test_a_cam_cannot_change_settings_or_reasons_but_sees_products(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get(SETTINGS).status_code == 403
    assert cam.get("/admin/deals/rejectreason/").status_code == 403
    assert cam.get("/admin/deals/product/").status_code == 200
    assert cam.get("/admin/deals/product/add/").status_code == 403


@pytest.mark.django_db
def test_partner_ops_add_a_product_to_their_tenant(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = ops.post(
        "/admin/deals/product/add/", {"name": "Widget Pro", "sku": "WP-1", "is_active": "on"}
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Product.objects.get(name="Widget Pro").tenant == ours.tenant


@pytest.mark.django_db
def test_the_admin_index_groups_deal_registration(ours, host_client):
    page = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get("/admin/")
    html = page.content.decode()
    assert "Deal registration" in html
    for name in ("Deal registrations", "Protected accounts", "Leads", "Rejection reasons"):
        assert name in html
