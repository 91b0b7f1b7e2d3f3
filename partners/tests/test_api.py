"""/api/v1/partners/: partner companies for CRM sync, through the services the admin UI uses."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.models import Partner
from partners.tests.factories import PartnerFactory
from prm.audit.models import AuditEvent
from prm.audit.sentences import describe
from prm.notifications import log as notifications_log
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from tests.worlds import api_client_for, api_token_with

URL = "/api/v1/partners/"
pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def patch(client: Any, url: str, body: Any, **headers: str) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json", **headers)


def partner_count(world: Any) -> int:
    with scope(tenant=world.tenant):
        return Partner.objects.filter(tenant=world.tenant).count()


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the events services emit (through `log_action`) during the test."""
    names: list[str] = []
    emit = notifications_log.emit

    def record(name: str, **kwargs: Any) -> Any:
        names.append(name)
        return emit(name, **kwargs)

    monkeypatch.setattr(notifications_log, "emit", record)
    return names


# -- reading ----------------------------------------------------------------------------------


def test_the_list_holds_our_partners_with_their_details_and_none_of_theirs(ours, theirs):
    response = api_client_for(ours).get(URL)
    assert response.status_code == 200
    body = response.json()
    ids = {row["id"] for row in body["results"]}
    assert {ours.partner.pk, ours.other_partner.pk} <= ids
    assert not ids & {theirs.partner.pk, theirs.other_partner.pk}
    assert body["next"] is None
    row = next(r for r in body["results"] if r["id"] == ours.partner.pk)
    assert row["name"] == ours.partner.name
    assert row["type"] == {"id": ours.partner_type.pk, "name": ours.partner_type.name}
    assert row["status"] == ours.partner.status
    assert row["cams"] == [ours.members[Role.CAM].user.email]
    assert set(row) == {
        "id",
        "name",
        "website",
        "domain",
        "country",
        "region",
        "industry",
        "size",
        "type",
        "tier",
        "status",
        "joined_on",
        "crm_id",
        "cams",
        "created_at",
        "updated_at",
    }


def test_the_list_filters_by_status_type_tier_and_crm_id(ours):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.other_partner.pk).update(
            tier=ours.tier, crm_id="0015g00000ABC", status=Partner.Status.INACTIVE
        )
    client = api_client_for(ours)

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=inactive") == {ours.other_partner.pk}
    assert ids(f"tier={ours.tier.pk}") == {ours.other_partner.pk}
    assert ids("crm_id=0015g00000ABC") == {ours.other_partner.pk}
    assert ours.partner.pk in ids(f"type={ours.partner_type.pk}")
    assert ours.other_partner.pk not in ids(f"type={ours.partner_type.pk}")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("tier=abc", "tier"),
        ("type=-1", "type"),
        (f"tier={2**70}", "tier"),
        ("updated_since=yesterday", "updated_since"),
        ("cursor=not-ours", "cursor"),
        ("limit=0", "limit"),
    ],
)
def test_a_bad_filter_is_refused_beside_its_name(ours, query, field):
    response = api_client_for(ours).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_filter_naming_another_tenants_tier_finds_nothing(ours, theirs):
    response = api_client_for(ours).get(f"{URL}?tier={theirs.tier.pk}")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_partner_is_read_by_id_and_another_tenants_is_not_found(ours, theirs):
    client = api_client_for(ours)
    response = client.get(f"{URL}{ours.partner.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == ours.partner.pk
    assert response["ETag"].startswith('W/"')
    assert client.get(f"{URL}{theirs.partner.pk}/").status_code == 404
    assert client.get(f"{URL}987654321/").status_code == 404


def test_a_read_answers_304_while_its_etag_is_current(ours):
    client = api_client_for(ours)
    etag = client.get(f"{URL}{ours.partner.pk}/")["ETag"]
    assert client.get(f"{URL}{ours.partner.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_keys_without_the_scope_revoked_or_expired_or_of_another_tenant_are_refused(ours, theirs):
    mdf_only = api_token_with(ours, {"mdf": "read"})
    assert api_client_for(ours, mdf_only).get(URL).status_code == 403
    for name in ("revoked", "expired"):
        assert api_client_for(ours, ours.api_tokens[name]).get(URL).status_code == 401
    assert api_client_for(ours, theirs.api_tokens["all"]).get(URL).status_code == 401


def test_a_read_only_key_cannot_create_or_change_a_partner(ours):
    client = api_client_for(ours, api_token_with(ours, {"partners": "read"}))
    before = partner_count(ours)
    assert client.get(URL).status_code == 200
    assert post(client, URL, {"name": "Read Only Ltd"}).status_code == 403
    assert patch(client, f"{URL}{ours.partner.pk}/", {"name": "Renamed"}).status_code == 403
    assert partner_count(ours) == before
    with scope(tenant=ours.tenant):
        assert Partner.objects.get(pk=ours.partner.pk).name == ours.partner.name


# -- creating ---------------------------------------------------------------------------------


def test_creating_a_partner_is_audited_with_the_key_as_actor_and_announced(
    ours, emitted, django_capture_on_commit_callbacks
):
    body = {
        "name": "Northwind Traders",
        "website": "https://www.northwind.example/about",
        "country": "DE",
        "region": "emea",
        "industry": "retail",
        "size": "51-200",
        "type": ours.partner_type.pk,
        "crm_id": "0015g00000XYZ",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_client_for(ours), URL, body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert response["Location"].endswith(f"{URL}{answer['id']}/")
    assert answer["domain"] == "northwind.example"
    assert answer["type"] == {"id": ours.partner_type.pk, "name": ours.partner_type.name}
    assert (answer["status"], answer["tier"], answer["cams"]) == ("onboarding", None, [])
    assert answer["updated_at"]
    assert "partners.partner.created" in emitted
    with scope(tenant=ours.tenant):
        partner = Partner.objects.get(pk=answer["id"])
        assert (partner.tenant, partner.crm_id, partner.size_band) == (
            ours.tenant,
            "0015g00000XYZ",
            "51-200",
        )
        event = AuditEvent.objects.get(action="partners.partner.created", object_id=partner.pk)
        assert event.actor == ours.api_key.membership.user
        assert describe(event).text == "API key “CRM sync” created Northwind Traders"


def test_the_admin_ui_creates_a_partner_through_the_same_service(ours, emitted, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(
        "/admin/partners/partner/add/",
        {"name": "Admin Added Ltd", "status": "onboarding", "website": "", "crm_id": "A-1"},
    )
    assert response.status_code == 302
    assert "partners.partner.created" in emitted
    with scope(tenant=ours.tenant):
        partner = Partner.objects.get(name="Admin Added Ltd")
        assert partner.crm_id == "A-1"
        assert (
            AuditEvent.objects.filter(
                action="partners.partner.created", object_id=partner.pk
            ).count()
            == 1
        )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "New Co", "website": "not a website"}, "website"),
        ({"name": "New Co", "region": "mars"}, "region"),
        ({"name": "New Co", "country": "XX"}, "country"),
        ({"name": "New Co", "size": 12}, "size"),
        ({"name": "New Co", "type": "reseller"}, "type"),
        ({"name": "New Co", "type": 1.5}, "type"),
        ({"name": "New Co", "type": 2**70}, "type"),
        ({"name": "New Co", "type": 987654321}, "type"),
        ({"name": "New Co", "joined_on": "last week"}, "joined_on"),
        ({"name": "New Co", "crm_id": "c" * 101}, "crm_id"),
        ({"name": "New Co", "status": "active"}, "status"),
        ({"name": "New Co", "tier": 1}, "tier"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(ours, body, field):
    before = partner_count(ours)
    response = post(api_client_for(ours), URL, body)
    assert response.status_code == 400
    assert field in response.json()
    assert partner_count(ours) == before


def test_a_name_taken_in_the_program_is_refused_whatever_its_case(ours):
    response = post(api_client_for(ours), URL, {"name": ours.partner.name.upper()})
    assert response.status_code == 400
    assert "already exists" in response.json()["name"][0]


def test_a_body_that_is_not_a_json_object_is_refused(ours):
    client = api_client_for(ours)
    before = partner_count(ours)
    malformed = client.post(URL, data="{name:", content_type="application/json")
    assert malformed.status_code == 400
    assert post(client, URL, ["Northwind"]).status_code == 400
    assert client.post(URL, data="name=x", content_type="text/plain").status_code == 415
    assert partner_count(ours) == before


def test_another_tenants_partner_type_in_a_body_is_refused_beside_the_field(ours, theirs):
    before = partner_count(ours)
    response = post(api_client_for(ours), URL, {"name": "New Co", "type": theirs.partner_type.pk})
    assert response.status_code == 400
    assert response.json()["type"] == ["Choose one of this program's partner types."]
    assert partner_count(ours) == before


def test_a_crm_id_is_unique_in_the_program_only(ours, theirs):
    client = api_client_for(ours)
    assert post(client, URL, {"name": "First Co", "crm_id": "CRM-7"}).status_code == 201
    second = post(client, URL, {"name": "Second Co", "crm_id": "CRM-7"})
    assert second.status_code == 400
    assert "crm_id" in second.json()
    # Another tenant's CRM has its own ids.
    assert (
        post(api_client_for(theirs), URL, {"name": "Their Co", "crm_id": "CRM-7"}).status_code
        == 201
    )


def test_an_idempotent_create_runs_once_and_replays_its_answer(ours):
    client = api_client_for(ours)
    before = partner_count(ours)
    first = post(client, URL, {"name": "Once Ltd"}, HTTP_IDEMPOTENCY_KEY="create-once-1")
    again = post(client, URL, {"name": "Once Ltd"}, HTTP_IDEMPOTENCY_KEY="create-once-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert partner_count(ours) == before + 1
    other = post(client, URL, {"name": "Other Ltd"}, HTTP_IDEMPOTENCY_KEY="create-once-1")
    assert other.status_code == 422
    assert partner_count(ours) == before + 1


# -- changing ---------------------------------------------------------------------------------


def test_a_patch_changes_only_the_fields_sent_and_is_audited(ours, emitted):
    url = f"{URL}{ours.other_partner.pk}/"
    client = api_client_for(ours)
    before = client.get(url).json()
    response = patch(
        client,
        url,
        {"website": "https://fabrikam.example", "type": ours.partner_type.pk, "crm_id": "F-9"},
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["domain"] == "fabrikam.example"
    assert answer["type"]["id"] == ours.partner_type.pk
    assert (answer["name"], answer["status"]) == (before["name"], before["status"])
    assert answer["updated_at"] > before["updated_at"]
    assert "partners.partner.changed" in emitted
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(
            action="partners.partner.changed", object_id=ours.other_partner.pk
        )
        assert event.actor == ours.api_key.membership.user
        assert event.after == {
            "website": "https://fabrikam.example",
            "partner_type": ours.partner_type.name,
            "crm_id": "F-9",
        }
    # The same values again change nothing and record nothing.
    emitted.clear()
    assert patch(client, url, {"crm_id": "F-9"}).status_code == 200
    assert emitted == []


def test_a_patch_with_a_stale_etag_is_refused_and_with_the_fresh_one_applied(ours):
    client = api_client_for(ours)
    url = f"{URL}{ours.partner.pk}/"
    stale = client.get(url)["ETag"]
    assert patch(client, url, {"industry": "finance"}).status_code == 200
    fresh = client.get(url)["ETag"]
    assert fresh != stale
    refused = patch(client, url, {"industry": "software"}, HTTP_IF_MATCH=stale)
    assert refused.status_code == 412
    with scope(tenant=ours.tenant):
        assert Partner.objects.get(pk=ours.partner.pk).industry == "finance"
    applied = patch(client, url, {"industry": "software"}, HTTP_IF_MATCH=fresh)
    assert applied.status_code == 200
    assert applied.json()["industry"] == "software"


def test_a_patch_of_bad_values_changes_nothing(ours, theirs):
    client = api_client_for(ours)
    url = f"{URL}{ours.partner.pk}/"
    for body, field in [
        ({"name": ours.other_partner.name}, "name"),
        ({"name": "  "}, "name"),
        ({"type": theirs.partner_type.pk}, "type"),
        ({"status": "offboarded"}, "status"),
        ({"website": "ftp//nowhere"}, "website"),
    ]:
        response = patch(client, url, body)
        assert response.status_code == 400, body
        assert field in response.json()
    with scope(tenant=ours.tenant):
        partner = Partner.objects.get(pk=ours.partner.pk)
        assert (partner.name, partner.partner_type_id, partner.status) == (
            ours.partner.name,
            ours.partner.partner_type_id,
            ours.partner.status,
        )


def test_patching_another_tenants_partner_is_not_found(ours, theirs):
    response = patch(api_client_for(ours), f"{URL}{theirs.partner.pk}/", {"name": "Mine now"})
    assert response.status_code == 404
    with scope(tenant=theirs.tenant):
        assert Partner.objects.get(pk=theirs.partner.pk).name == theirs.partner.name


# -- incremental sync -------------------------------------------------------------------------


def test_updated_since_gives_only_what_changed_and_a_change_moves_the_row_last(ours):
    client = api_client_for(ours)
    since = timezone.now()
    assert client.get(URL, {"updated_since": since.isoformat()}).json()["results"] == []
    assert patch(client, f"{URL}{ours.partner.pk}/", {"region": "latam"}).status_code == 200
    changed = client.get(URL, {"updated_since": since.isoformat()}).json()["results"]
    assert [row["id"] for row in changed] == [ours.partner.pk]
    everything = client.get(URL).json()["results"]
    assert everything[-1]["id"] == ours.partner.pk


def test_the_pages_follow_one_another_without_gaps(ours):
    with scope(tenant=ours.tenant):
        PartnerFactory.create_batch(5, tenant=ours.tenant)
        total = Partner.objects.filter(tenant=ours.tenant).count()
    client = api_client_for(ours)
    seen: list[int] = []
    url = f"{URL}?limit=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == total


def test_the_list_costs_the_same_queries_for_few_or_many_partners(ours):
    cam = ours.members[Role.CAM].user
    client = api_client_for(ours)

    def grow_and_count(n: int) -> int:
        with scope(tenant=ours.tenant):
            for partner in PartnerFactory.create_batch(
                n, tenant=ours.tenant, tier=ours.tier, partner_type=ours.partner_type
            ):
                assign_perm(MANAGE_PARTNER, cam, partner)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?limit=200")
        assert response.status_code == 200
        return len(queries.captured_queries)

    small, large = grow_and_count(3), grow_and_count(60)
    assert small == large, f"{small} queries for a few partners, {large} for many"
    # the host's tenant, the key, its rate count, the page (CAMs' emails in it)
    assert large <= 4, large
