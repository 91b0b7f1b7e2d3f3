"""The partner program's settings: one row per tenant, made on first use, edited on one page."""

import pytest
from django_scopes import scope

from partners.models import PartnerSettings
from partners.selectors import partner_settings_for
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import TenantFactory

SETTINGS = "/admin/partners/partnersettings/"


@pytest.mark.django_db
def test_a_tenant_gets_its_settings_with_the_defaults_on_first_use_and_only_once():
    tenant = TenantFactory()
    with scope(tenant=tenant):
        first = partner_settings_for(tenant)
        again = partner_settings_for(tenant)
        assert first.pk == again.pk
        assert PartnerSettings.objects.filter(tenant=tenant).count() == 1
    assert (first.tier_demotion_grace_days, first.require_agreement) == (30, False)


@pytest.mark.django_db
def test_the_settings_list_opens_the_tenants_own_settings(ours, theirs, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = leader.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == f"{SETTINGS}{ours.partner_settings.pk}/change/"
    assert leader.get(f"{SETTINGS}{theirs.partner_settings.pk}/change/").status_code == 404


@pytest.mark.django_db
def test_partner_ops_change_the_grace_period_and_the_agreement_requirement(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"{SETTINGS}{ours.partner_settings.pk}/change/"
    data = {"tier_demotion_grace_days": 45, "require_agreement": "on", "survey_interval_days": 30}
    response = ops.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url
    with scope(tenant=ours.tenant):
        row = partner_settings_for(ours.tenant)
        assert AuditEvent.objects.filter(action="partners.partnersettings.changed").exists()
    assert (row.tier_demotion_grace_days, row.require_agreement) == (45, True)
    bad = ops.post(url, {**data, "tier_demotion_grace_days": 400})
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode()
