"""What every API request goes through: the key, the rate limit, sync pages, ETags and the
absence of sessions and CSRF. Exercised on /api/v1/partners/, which every tenant has."""

import base64
import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from partners.models import Partner
from prm.api.models import ApiKey
from prm.api.services import api_key_create
from prm.tenancy.roles import Role
from tests.worlds import api_client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/"


@pytest.mark.parametrize(
    "header",
    ["", "Basic dXNlcjpwYXNz", "Bearer", "Bearer prm_", "Bearer prm_short_x", "Token prm_x_y"],
)
def test_no_key_or_a_malformed_one_answers_401_with_the_challenge(ours, header):
    client = api_client_for(ours)
    client.defaults["HTTP_AUTHORIZATION"] = header
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_right_public_id_with_a_wrong_secret_answers_401(ours):
    token = ours.api_tokens["all"]
    wrong = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert api_client_for(ours, wrong).get(URL).status_code == 401


def test_the_scheme_is_case_insensitive(ours):
    client = api_client_for(ours)
    client.defaults["HTTP_AUTHORIZATION"] = "bearer " + ours.api_tokens["all"]
    assert client.get(URL).status_code == 200


def test_a_key_expiring_now_stops_working(ours):
    ApiKey.objects.filter(pk=ours.api_key.pk).update(expires_at=timezone.now())
    assert api_client_for(ours).get(URL).status_code == 401


def test_api_answers_set_no_session_cookie_and_need_no_csrf_token(ours):
    client = api_client_for(ours)
    client.handler.enforce_csrf_checks = True
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies
    post = client.post(URL, data="{}", content_type="application/json")
    assert post.status_code == 400  # the body's problems, not a CSRF refusal
    assert not post.cookies


def test_the_rate_limit_answers_429_with_retry_after_and_notes_the_last_use(ours):
    leader = ours.members[Role.PROGRAM_LEADER]
    new = api_key_create(actor=leader, name="Slow", scopes={"partners": "read"}, rate_limit=3)
    client = api_client_for(ours, new.token)
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    key = ApiKey.objects.get(pk=new.key.pk)
    assert key.last_used_at is not None
    assert key.window_hits == 4
    # The next minute starts a new window.
    ApiKey.objects.filter(pk=key.pk).update(window_start=key.window_start - timedelta(minutes=1))
    assert client.get(URL).status_code == 200


def _ids(client, url, **query):
    ids, seen_pages = [], 0
    params = dict(query)
    while True:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        seen_pages += 1
        if body["next"] is None:
            return ids, seen_pages
        cursor = body["next"].split("cursor=", 1)[1].split("&", 1)[0]
        params = {**query, "cursor": cursor}


def test_sync_pages_give_every_row_once_in_the_order_of_change(ours):
    for i in range(5):
        Partner.objects.create(tenant=ours.tenant, name=f"Paged {i}")
    client = api_client_for(ours)
    ids, pages = _ids(client, URL, limit=2)
    expected = list(
        Partner.objects.filter(tenant=ours.tenant)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)
    )
    assert ids == expected
    assert pages == -(-len(expected) // 2)


def test_updated_since_gives_only_what_changed(ours):
    client = api_client_for(ours)
    mark = timezone.now()
    assert client.get(URL, {"updated_since": mark.isoformat()}).json()["results"] == []
    Partner.objects.filter(pk=ours.other_partner.pk).update(name="Renamed B")
    rows = client.get(URL, {"updated_since": mark.isoformat()}).json()["results"]
    assert [r["id"] for r in rows] == [ours.other_partner.pk]
    # Without an offset the instant is read as UTC.
    naive = mark.astimezone(UTC).replace(tzinfo=None).isoformat()
    assert [r["id"] for r in client.get(URL, {"updated_since": naive}).json()["results"]] == [
        ours.other_partner.pk
    ]


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-13-45T99:00:00"}, "updated_since"),
        ({"cursor": "!!!"}, "cursor"),
        ({"cursor": _cursor({"t": "2026-01-01T00:00:00+00:00", "i": -1})}, "cursor"),
        ({"cursor": _cursor({"t": "2026-01-01T00:00:00", "i": 1})}, "cursor"),
        ({"cursor": _cursor(["not", "a", "dict"])}, "cursor"),
        ({"cursor": _cursor({"t": 5, "i": 1})}, "cursor"),
    ],
)
def test_bad_page_parameters_answer_400_beside_the_parameter(ours, query, field):
    response = api_client_for(ours).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_an_unchanged_answer_is_304_with_its_etag(ours):
    client = api_client_for(ours)
    first = client.get(f"{URL}{ours.partner.pk}/")
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get(f"{URL}{ours.partner.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    Partner.objects.filter(pk=ours.partner.pk).update(name="Changed A")
    changed = client.get(f"{URL}{ours.partner.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
