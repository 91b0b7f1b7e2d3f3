"""The MDF settings page (one per tenant) and the place of the MDF pages in the admin menu."""

import pytest
from django_scopes import scope

from mdf.models import MdfSettings
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_settings_list_opens_the_tenants_own_page_and_saves_it(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/mdf/mdfsettings/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/mdf/mdfsettings/{ours.mdf_settings.pk}/change/"
    data = {"sla_hours": "24", "escalation_hours": "8", "low_balance_percent": "15"}
    saved = client.post(response["Location"], data)  # reps_may_request unticked
    assert saved.status_code == 302
    with scope(tenant=ours.tenant):
        found = MdfSettings.objects.get(tenant=ours.tenant)
        audited = AuditEvent.objects.filter(action="mdf.mdfsettings.changed").exists()
    assert (found.reps_may_request, found.sla_hours, found.low_balance_percent) == (False, 24, 15)
    assert audited


def test_a_low_balance_warning_above_90_percent_is_refused_beside_the_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/mdf/mdfsettings/{ours.mdf_settings.pk}/change/"
    data = {"sla_hours": "24", "escalation_hours": "8", "low_balance_percent": "95"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["low_balance_percent"]


def test_a_cam_may_not_open_the_settings(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get("/admin/mdf/mdfsettings/").status_code == 403


def test_the_menu_lists_funds_first_and_the_settings_last(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/mdf/")
    names = [m["object_name"] for m in response.context["app_list"][0]["models"]]
    assert names[0] == "Fund"
    assert names[-1] == "MdfSettings"
    assert response.context["title"] == "Market development funds"


def test_the_menu_follows_the_admins_positions(ours, host_client, monkeypatch):
    from mdf.admin.funds import FundAdmin

    monkeypatch.setattr(FundAdmin, "menu_position", 300)
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/mdf/")
    names = [m["object_name"] for m in response.context["app_list"][0]["models"]]
    assert names[-1] == "Fund"
