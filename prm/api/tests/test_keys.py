"""API keys: created shown once and kept hashed, acting through their own membership, revoked at
once; and the admin UI's pages for them."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from prm.api.models import ApiKey
from prm.api.services import api_key_create, api_key_revoke, secret_hash
from prm.audit.models import AuditEvent
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from tests.worlds import api_client_for

pytestmark = pytest.mark.django_db


def test_a_key_is_kept_as_a_hash_and_acts_through_its_own_membership(ours):
    leader = ours.members[Role.PROGRAM_LEADER]
    new = api_key_create(actor=leader, name="Salesforce", scopes={"partners": "read"})
    key = ApiKey.objects.get(pk=new.key.pk)
    public_id, secret = new.token.removeprefix("prm_").split("_", 1)
    assert key.public_id == public_id
    assert key.secret_hash == secret_hash(secret) != secret
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    member = key.membership
    assert member.role == Role.INTEGRATION
    assert member.partner is None
    assert member.is_active
    assert member.user.is_service
    assert not member.user.has_usable_password()
    assert str(member.user) == "API key “Salesforce”"
    event = AuditEvent.objects.get(action="api.key.created", object_id=str(key.pk))
    assert event.actor == leader.user


def test_a_keys_user_cannot_sign_in(ours):
    user = ours.api_key.membership.user
    request = RequestFactory().post("/accounts/login/", HTTP_HOST=ours.host)
    request.tenant = ours.tenant
    user.set_password("guessable-password-1")
    user.save()
    assert authenticate(request, email=user.email, password="guessable-password-1") is None


@pytest.mark.parametrize(
    ("scopes", "field"),
    [
        ({}, "scopes"),
        ({"nonsense": "read"}, "scopes"),
        ({"partners": "admin"}, "scopes"),
        ({"mdf": "write"}, "scopes"),  # read only
    ],
)
def test_a_key_needs_scopes_the_api_offers(ours, scopes, field):
    with pytest.raises(ValidationError) as error:
        api_key_create(actor=ours.members[Role.PROGRAM_LEADER], name="x", scopes=scopes)
    assert field in error.value.message_dict


def test_a_key_needs_a_name_a_future_expiry_and_a_sane_rate(ours):
    with pytest.raises(ValidationError) as error:
        api_key_create(
            actor=ours.members[Role.PROGRAM_LEADER],
            name="  ",
            scopes={"partners": "read"},
            expires_at=timezone.now() - timedelta(minutes=1),
            rate_limit=0,
        )
    assert set(error.value.message_dict) == {"name", "expires_at", "rate_limit"}
    assert not ApiKey.objects.filter(tenant=ours.tenant, name="").exists()


@pytest.mark.parametrize("role", [Role.PARTNER_OPS, Role.CAM, Role.PARTNER_ADMIN])
def test_only_program_leaders_manage_keys(ours, role):
    with pytest.raises(PermissionDenied):
        api_key_create(actor=ours.members[role], name="x", scopes={"partners": "read"})
    with pytest.raises(PermissionDenied):
        api_key_revoke(actor=ours.members[role], key=ours.api_key)


def test_a_revoked_key_is_refused_at_once_and_revoking_twice_changes_nothing(ours):
    leader = ours.members[Role.PROGRAM_LEADER]
    client = api_client_for(ours)
    assert client.get("/api/v1/partners/").status_code == 200
    api_key_revoke(actor=leader, key=ours.api_key, reason="CRM replaced")
    assert client.get("/api/v1/partners/").status_code == 401
    assert not Membership.objects.get(pk=ours.api_key.membership_id).is_active
    api_key_revoke(actor=leader, key=ours.api_key)
    assert (
        AuditEvent.objects.filter(action="api.key.revoked", object_id=str(ours.api_key.pk)).count()
        == 1
    )


def test_the_keys_membership_is_not_among_people(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get(reverse("admin:tenancy_membership_changelist"))
    assert page.status_code == 200
    assert ours.api_key.membership.user.email not in page.content.decode()


# The admin UI's pages


def test_a_new_key_is_shown_once_on_its_page(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    form = client.get(reverse("admin:api_key_create"))
    assert form.status_code == 200
    assert b"scope_partners" in form.content
    response = client.post(
        reverse("admin:api_key_create"),
        {"name": "HubSpot", "rate_limit": "120", "scope_partners": "write", "scope_mdf": "read"},
    )
    key = ApiKey.objects.get(tenant=ours.tenant, name="HubSpot")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:api_key", args=[key.pk])
    assert key.scopes == {"partners": "write", "mdf": "read"}
    assert key.rate_limit == 120
    first = client.get(response["Location"]).content.decode()
    assert f"prm_{key.public_id}_" in first
    assert "no-store" in client.get(response["Location"])["Cache-Control"]
    token = first.split('id="key-token" value="', 1)[1].split('"', 1)[0]
    assert api_client_for(ours, token).get("/api/v1/partners/").status_code == 200
    again = client.get(response["Location"]).content.decode()
    assert token not in again


def test_a_key_form_with_errors_creates_nothing(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.post(reverse("admin:api_key_create"), {"name": "", "rate_limit": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "rate_limit"}
    before = ApiKey.objects.filter(tenant=ours.tenant).count()
    response = client.post(reverse("admin:api_key_create"), {"name": "No scope", "rate_limit": "5"})
    assert response.context["form"].non_field_errors() == ["Give the key at least one scope."]
    assert b'id="id_scopes_error"' in response.content
    assert ApiKey.objects.filter(tenant=ours.tenant).count() == before


def test_revoking_from_the_admin_ui_is_confirmed(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = reverse("admin:api_key_revoke", args=[ours.api_key.pk])
    assert b"revoke-submit" in client.get(url).content
    response = client.post(url, {"reason": "rotated"})
    assert response.status_code == 302
    assert ApiKey.objects.get(pk=ours.api_key.pk).state == "revoked"
    page = client.get(reverse("admin:api_key", args=[ours.api_key.pk])).content.decode()
    assert "rotated" in page
    assert "key-revoke" not in page


def test_the_key_list_says_what_each_key_may_do(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get(reverse("admin:api_keys")).content.decode()
    assert "CRM sync" in page
    assert "Old sync" in page
    assert "Trial sync" in page
    assert "Revoked" in page
    assert "Expired" in page
    assert "Active" in page
    assert ours.api_tokens["all"] not in page


def test_the_staff_home_says_which_keys_expire_soon(ours, host_client):
    from prm.api.todo import api_keys_todo

    leader = ours.members[Role.PROGRAM_LEADER]
    assert api_keys_todo(leader) is None  # the world's keys: no expiry, revoked, expired
    api_key_create(
        actor=leader,
        name="Expiring",
        scopes={"partners": "read"},
        expires_at=timezone.now() + timedelta(days=3),
    )
    api_key_create(
        actor=leader,
        name="Later",
        scopes={"partners": "read"},
        expires_at=timezone.now() + timedelta(days=30),
    )
    card = api_keys_todo(leader)
    assert card is not None
    assert [(line.count, line.url) for line in card.lines] == [(1, reverse("admin:api_keys"))]
    page = host_client(ours.host, leader).get(reverse("admin:index")).content.decode()
    assert "create its successor" in page


def test_the_key_list_costs_the_same_queries_at_two_sizes(ours, host_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = ours.members[Role.PROGRAM_LEADER]
    client = host_client(ours.host, leader)

    def count() -> int:
        client.get(reverse("admin:api_keys"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:api_keys")).status_code == 200
        return len(queries)

    small = count()  # the world's three keys
    for i in range(12):
        api_key_create(actor=leader, name=f"Sync {i}", scopes={"partners": "read"})
    large = count()
    assert small == large, (small, large)
    assert large <= 8, large  # session, membership, menu, the page and its count
