"""The commission settings page: partner operations change them; others may not."""

import pytest
from django_scopes import scope

from commissions.setup import commission_settings
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_settings_link_opens_the_tenants_settings(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get("/admin/commissions/plan/settings/")
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/admin/commissions/commissionsettings/{ours.commission_settings.pk}/change/"
    )
    response = client.get("/admin/commissions/commissionsettings/")
    assert response.status_code == 302


def test_partner_operations_change_the_settings(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/commissions/commissionsettings/{ours.commission_settings.pk}/change/"
    data = {
        "statement_period": "quarter", "payout_day": "20", "hold_days": "14",
        "auto_approve": "", "reps_see_earnings": "on",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        found = commission_settings(ours.tenant)
        assert (found.statement_period, found.payout_day, found.hold_days) == ("quarter", 20, 14)
        assert found.auto_approve is False
        assert found.reps_see_earnings is True
        assert AuditEvent.objects.filter(action="commissions.commissionsettings.changed").exists()


def test_a_bad_payout_day_is_an_error_beside_its_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/commissions/commissionsettings/{ours.commission_settings.pk}/change/"
    data = {"statement_period": "month", "payout_day": "31", "hold_days": "0"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "payout_day" in response.context["adminform"].form.errors


def test_a_cam_may_not_open_the_settings(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get("/admin/commissions/plan/settings/").status_code == 403
