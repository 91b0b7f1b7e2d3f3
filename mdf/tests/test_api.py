"""/api/v1/mdf/requests/ and /api/v1/mdf/claims/: MDF requests and claims, read only."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from mdf.models import Claim, MdfRequest
from mdf.tests import factories as mdf_rows
from prm.tenancy.roles import Role
from tests.worlds import api_client_for, api_token_with

REQUESTS = "/api/v1/mdf/requests/"
CLAIMS = "/api/v1/mdf/claims/"
pytestmark = pytest.mark.django_db


def ids(client: Any, url: str, **query: Any) -> list[int]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_requests_list_holds_ours_with_money_as_decimal_strings_and_none_of_theirs(
    ours, theirs
):
    response = api_client_for(ours).get(REQUESTS)
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert {ours.mdf_request.pk, ours.other_mdf_request.pk, ours.funded_request.pk} <= set(rows)
    assert not set(rows) & {theirs.mdf_request.pk, theirs.funded_request.pk}
    funded = rows[ours.funded_request.pk]
    assert funded["reference"] == ours.funded_request.reference
    assert funded["partner"] == {"id": ours.partner.pk, "name": ours.partner.name}
    assert (funded["fund"], funded["allocation"]) == (ours.fund.pk, ours.allocation.pk)
    assert funded["claim"] == ours.claim.pk
    assert (funded["amount"], funded["approved_amount"]) == ("5000.00", "5000.00")
    assert funded["currency"] == ours.fund.currency
    assert funded["status"] == "approved"
    assert funded["decision_reason"] == "Good plan"
    assert funded["campaign"] == ours.funded_request.title
    assert rows[ours.mdf_request.pk]["claim"] is None
    assert rows[ours.mdf_request.pk]["approved_amount"] is None


def test_a_request_is_read_by_id_and_another_tenants_is_not_found(ours, theirs):
    client = api_client_for(ours)
    response = client.get(f"{REQUESTS}{ours.funded_request.pk}/")
    assert response.status_code == 200
    assert response.json()["claim"] == ours.claim.pk
    assert client.get(f"{REQUESTS}{theirs.funded_request.pk}/").status_code == 404
    assert client.get(f"{REQUESTS}987654321/").status_code == 404


def test_the_claims_list_and_read_hold_ours_only(ours, theirs):
    client = api_client_for(ours)
    listed = {row["id"]: row for row in client.get(CLAIMS).json()["results"]}
    assert {ours.claim.pk, ours.other_claim.pk, ours.due_claim.pk} <= set(listed)
    assert not set(listed) & {theirs.claim.pk, theirs.other_claim.pk}
    due = listed[ours.due_claim.pk]
    assert (due["status"], due["approved_amount"], due["currency"]) == (
        "approved",
        "2000.00",
        ours.fund.currency,
    )
    assert due["request"] == ours.due_claim.request_id
    assert due["partner"]["id"] == ours.partner.pk
    assert client.get(f"{CLAIMS}{ours.claim.pk}/").json()["reference"] == ours.claim.reference
    assert client.get(f"{CLAIMS}{theirs.claim.pk}/").status_code == 404


def test_the_lists_filter_by_status_and_partner(ours, theirs):
    client = api_client_for(ours)
    approved = ids(client, REQUESTS, status="approved")
    assert ours.funded_request.pk in approved
    assert ours.mdf_request.pk not in approved
    of_b = ids(client, REQUESTS, partner=ours.other_partner.pk)
    assert ours.other_mdf_request.pk in of_b
    assert ours.mdf_request.pk not in of_b
    assert ids(client, CLAIMS, status="approved", partner=ours.partner.pk) == [ours.due_claim.pk]
    # Another tenant's partner is nobody here.
    assert ids(client, REQUESTS, partner=theirs.partner.pk) == []


@pytest.mark.parametrize("url", [REQUESTS, CLAIMS])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "granted"}, "status"),
        ({"partner": "acme"}, "partner"),
        ({"partner": str(2**64)}, "partner"),
        ({"updated_since": "31/01/2026"}, "updated_since"),
    ],
)
def test_a_bad_filter_is_refused_beside_its_name(ours, url, query, field):
    response = api_client_for(ours).get(url, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_key_without_the_mdf_scope_is_refused_and_no_key_writes(ours):
    no_mdf = api_client_for(ours, api_token_with(ours, {"partners": "write"}))
    assert no_mdf.get(REQUESTS).status_code == 403
    assert no_mdf.get(f"{CLAIMS}{ours.claim.pk}/").status_code == 403
    # MDF can only be read: even the all-scopes key (mdf: read) cannot write.
    client = api_client_for(ours)
    with scope(tenant=ours.tenant):
        before = MdfRequest.objects.count(), Claim.objects.count()
    body = json.dumps({"campaign": "Free money", "amount": "1000000"})
    assert client.post(REQUESTS, body, content_type="application/json").status_code == 403
    assert (
        client.patch(f"{CLAIMS}{ours.claim.pk}/", body, content_type="application/json")
    ).status_code == 403
    with scope(tenant=ours.tenant):
        assert (MdfRequest.objects.count(), Claim.objects.count()) == before


def test_updated_since_gives_the_requests_and_claims_changed_since(ours):
    client = api_client_for(ours)
    since = timezone.now().isoformat()
    assert ids(client, REQUESTS, updated_since=since) == []
    with scope(tenant=ours.tenant):
        # A bulk update, which `auto_now` would have missed: the trigger sees it.
        MdfRequest.objects.filter(pk=ours.mdf_request.pk).update(title="Autumn roadshow")
        claim = Claim.objects.get(pk=ours.claim.pk)
        claim.results = "62 leads"
        claim.save(update_fields=["results"])
    assert ids(client, REQUESTS, updated_since=since) == [ours.mdf_request.pk]
    assert ids(client, CLAIMS, updated_since=since) == [ours.claim.pk]
    assert ids(client, REQUESTS)[-1] == ours.mdf_request.pk


@pytest.mark.parametrize("url", [REQUESTS, CLAIMS])
def test_the_lists_cost_the_same_queries_for_few_or_many_rows(ours, url):
    rep = ours.members[Role.PARTNER_REP]
    client = api_client_for(ours)

    def grow_and_count(n: int) -> int:
        with scope(tenant=ours.tenant):
            for _i in range(n):
                approved = mdf_rows.request_row(
                    ours.allocation, rep, status=MdfRequest.Status.APPROVED, amount="10"
                )
                mdf_rows.claim_row(approved, rep, proof=False)
                mdf_rows.request_row(ours.other_allocation, rep, amount="10")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"limit": 200})
        assert response.status_code == 200
        return len(queries.captured_queries)

    small, large = grow_and_count(2), grow_and_count(25)
    assert small == large, f"{small} queries for a few rows, {large} for many"
    # the host's tenant, the key, its rate count, the page (partner and claim joined)
    assert large <= 4, large
