"""The REST API's isolation matrix: every API URL, with every kind of key.

The routes come from the router the apps filled (prm.api.registry), so a new endpoint is in the
matrix as soon as it exists. For every route and method:

- no key, a garbage key, a revoked key, an expired key, and the other tenant's valid key on our
  host all answer 401 (a key is valid only on its own tenant's host);
- a key without the resource's scope answers 403, and so does a read-only key for a write;
- object URLs with the other tenant's ids answer 404 for our all-scopes key, exactly like ids
  that do not exist;
- our own key on our own objects is served (no 401, 403, 404 or server error).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, reverse

from prm.api.registry import READ, resources
from prm.api.services import api_key_create
from prm.tenancy.roles import Role
from tests.isolation.urls import walk
from tests.worlds import api_client_for

MISSING = 987654321
PUBLIC_NAMES = ("api:schema", "api:docs", "api:not_found")
SAFE = {"get", "head", "options"}


@dataclass(frozen=True)
class ApiCase:
    name: str
    method: str
    resource: str
    prefix: str
    object_url: bool

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _cases() -> list[ApiCase]:
    cases = []
    for name, pattern in walk():
        if not name or not name.startswith("api:") or name in PUBLIC_NAMES:
            continue
        assert isinstance(pattern, URLPattern)
        viewset = pattern.callback.cls  # type: ignore[attr-defined]
        route = str(pattern.pattern)
        prefix = route.lstrip("^").split("/(?P<")[0].split("/$")[0]
        for method in pattern.callback.actions:  # type: ignore[attr-defined]
            cases.append(ApiCase(name, method, viewset.resource, prefix, "(?P<pk>" in route))
    return sorted(cases, key=str)


CASES = _cases()
OBJECT_CASES = [c for c in CASES if c.object_url]


def test_the_api_matrix_has_every_resource():
    assert CASES, "no API route is registered"
    assert {c.resource for c in CASES} == {r.name for r in resources()}


def _list_url(prefix: str) -> str:
    return f"/api/v1/{prefix}/"


def first_id(world: Any, prefix: str) -> int:
    """An object of the world's, read through its own all-scopes key."""
    response = api_client_for(world).get(_list_url(prefix), {"limit": 1})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows, f"give the shared world a row for /api/v1/{prefix}/"
    return int(rows[0]["id"])


def call(client: Any, case: ApiCase, pk: int | None) -> Any:
    url = reverse(case.name, kwargs={"pk": pk} if case.object_url else {})
    if case.method in SAFE:
        return getattr(client, case.method)(url)
    return getattr(client, case.method)(url, data="{}", content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_refused_keys_answer_401(case, ours, theirs):
    pk = first_id(ours, case.prefix) if case.object_url else None
    for token in (
        "",
        "prm_abcdefabcdef_garbage-garbage-garbage",
        ours.api_tokens["revoked"],
        ours.api_tokens["expired"],
        theirs.api_tokens["all"],
    ):
        client = api_client_for(ours, token) if token else api_client_for(ours, "x")
        if not token:
            client.defaults.pop("HTTP_AUTHORIZATION")
        response = call(client, case, pk)
        assert response.status_code == 401, (token[:16], response.content)
        assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_keys_without_the_scope_answer_403(case, ours):
    leader = ours.members[Role.PROGRAM_LEADER]
    other = next(r.name for r in resources() if r.name != case.resource)
    pk = first_id(ours, case.prefix) if case.object_url else None
    without = api_key_create(actor=leader, name="Other scope", scopes={other: READ}).token
    assert call(api_client_for(ours, without), case, pk).status_code == 403
    if case.method not in SAFE:
        reader = api_key_create(actor=leader, name="Reader", scopes={case.resource: READ}).token
        assert call(api_client_for(ours, reader), case, pk).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("direction", ["ours probes theirs", "theirs probes ours"])
@pytest.mark.parametrize("case", OBJECT_CASES, ids=str)
def test_other_tenants_ids_answer_404_like_missing_ones(case, direction, ours, theirs):
    me, them = (ours, theirs) if direction == "ours probes theirs" else (theirs, ours)
    client = api_client_for(me)
    foreign = call(client, case, first_id(them, case.prefix))
    missing = call(client, case, MISSING)
    assert foreign.status_code == missing.status_code == 404, foreign.content


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_right_key_is_served(case, ours):
    pk = first_id(ours, case.prefix) if case.object_url else None
    response = call(api_client_for(ours), case, pk)
    assert response.status_code not in (401, 403, 404), response.content
    assert response.status_code < 500
    if case.method in SAFE:
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:schema", "api:docs"])
def test_the_schema_and_its_page_are_public(name, ours, host_client):
    response = host_client(ours.host).get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["nothing/", "deals/x1/", "partners/%C2%84/", "deals/1/nope/"])
def test_unknown_api_urls_and_malformed_ids_answer_a_json_404(path, ours):
    response = api_client_for(ours).get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
