"""The operator's admin on the platform host: tenants, their hosts, first program leaders."""

import pytest
from django_scopes import scope

from prm.accounts.models import Invitation
from prm.accounts.tests.factories import PASSWORD, UserFactory
from prm.tenancy.models import Tenant, TenantDomain
from prm.tenancy.roles import Role


@pytest.fixture
def operator_client(host_client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = host_client("localhost")
    client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD})
    return client


@pytest.mark.django_db
def test_the_operator_creates_a_tenant_with_its_host(operator_client):
    response = operator_client.post(
        "/admin/tenancy/tenant/add/",
        {
            "name": "Initrode",
            "slug": "initrode",
            "portal_title": "Initrode Partners",
            "is_active": "on",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-host": "Initrode.localhost",
            "domains-0-is_primary": "on",
        },
    )
    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="initrode")
    assert TenantDomain.objects.get(tenant=tenant).host == "initrode.localhost"


@pytest.mark.django_db
def test_the_operator_invites_the_first_program_leader(
    operator_client, ours, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"/admin/tenancy/tenant/{ours.tenant.pk}/invite-leader/"
    assert operator_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            url, {"email": "chief@vendor.test", "role": Role.PROGRAM_LEADER}
        )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Invitation.objects.get(email="chief@vendor.test").role == Role.PROGRAM_LEADER
    assert f"http://{ours.host}:8000/invitations/" in mailoutbox[0].body
    page = operator_client.get(f"/admin/tenancy/tenant/{ours.tenant.pk}/change/").content.decode()
    assert ours.members[Role.PROGRAM_LEADER].user.email in page


@pytest.mark.django_db
def test_tenant_members_cannot_use_the_platform_admin(ours, host_client):
    client = host_client("localhost", ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/tenancy/tenant/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_only_the_operator_sets_a_programs_sending_address(operator_client, ours, host_client):
    page = operator_client.get(f"/admin/tenancy/tenant/{ours.tenant.pk}/change/").content.decode()
    assert 'name="email_sender_address"' in page
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    settings_page = leader.get(f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/")
    html = settings_page.content.decode()
    assert 'name="email_sender_name"' in html  # the vendor names the sender
    assert 'name="email_sender_address"' not in html  # but cannot send as any address
    assert "Emails are sent as" in html
