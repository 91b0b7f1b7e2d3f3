"""`Idempotency-Key` on POST: the same request twice runs once and answers the same; the same key
with another request is refused; concurrent retries on real connections make one object."""

import json
import threading

import pytest
from django.db import connection
from django_scopes import scope

from partners.models import Partner
from prm.api.models import IdempotentRequest
from tests.worlds import api_client_for

URL = "/api/v1/partners/"


def body(name: str) -> str:
    return json.dumps({"name": name})


def post(client, data: str, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, data=data, content_type="application/json", **headers)


@pytest.mark.django_db
def test_the_same_post_twice_creates_one_object_and_answers_the_same(ours):
    client = api_client_for(ours)
    first = post(client, body("Once Ltd"), "retry-1")
    second = post(client, body("Once Ltd"), "retry-1")
    assert first.status_code == 201, first.content
    assert second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Partner.objects.filter(tenant=ours.tenant, name="Once Ltd").count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_runs(ours):
    client = api_client_for(ours)
    assert post(client, body("Twice Ltd"), None).status_code == 201
    again = post(client, body("Twice Ltd"), None)
    # It ran again, and the partners' service refused a second company of the same name.
    assert again.status_code == 400
    assert "name" in again.json()
    assert "Idempotent-Replayed" not in again


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_refused(ours):
    client = api_client_for(ours)
    assert post(client, body("First Ltd"), "k-2").status_code == 201
    refused = post(client, body("Second Ltd"), "k-2")
    assert refused.status_code == 422
    assert "Idempotency-Key" in refused.json()["detail"]
    assert not Partner.objects.filter(tenant=ours.tenant, name="Second Ltd").exists()


@pytest.mark.django_db
def test_a_refused_request_is_answered_the_same_again(ours):
    client = api_client_for(ours)
    first = post(client, "{}", "bad-1")
    assert first.status_code == 400
    again = post(client, "{}", "bad-1")
    assert again.status_code == 400
    assert again.content == first.content


@pytest.mark.django_db
def test_keys_are_per_api_key(ours):
    from prm.api.services import api_key_create
    from prm.tenancy.roles import Role

    other = api_key_create(
        actor=ours.members[Role.PROGRAM_LEADER], name="Other", scopes={"partners": "write"}
    )
    assert post(api_client_for(ours), body("Mine Ltd"), "shared").status_code == 201
    theirs = post(api_client_for(ours, other.token), body("Yours Ltd"), "shared")
    assert theirs.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", " ", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_malformed_key_answers_400(ours, key):
    response = post(api_client_for(ours), body("Bad Key Ltd"), key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Partner.objects.filter(tenant=ours.tenant, name="Bad Key Ltd").exists()


@pytest.mark.django_db
def test_a_server_error_keeps_nothing_so_a_retry_runs(ours, monkeypatch):
    from prm.api import idempotency

    client = api_client_for(ours)
    client.raise_request_exception = False
    real_keep = idempotency.keep

    def broken(record, response):
        raise RuntimeError("disk full")

    monkeypatch.setattr(idempotency, "keep", broken)
    assert post(client, body("Crash Ltd"), "crash-1").status_code == 500
    assert not IdempotentRequest.objects.filter(key="crash-1").exists()
    assert not Partner.objects.filter(tenant=ours.tenant, name="Crash Ltd").exists()
    monkeypatch.setattr(idempotency, "keep", real_keep)
    assert post(client, body("Crash Ltd"), "crash-1").status_code == 201
    assert Partner.objects.filter(tenant=ours.tenant, name="Crash Ltd").count() == 1


def _at_once(world, data: str, key: str, n: int = 3) -> list[tuple[int, bytes]]:
    """`n` copies of one POST at the same moment, each on its own connection."""
    barrier = threading.Barrier(n)
    answers: list[tuple[int, bytes]] = []

    def send() -> None:
        try:
            client = api_client_for(world)
            barrier.wait(timeout=10)
            response = post(client, data, key)
            answers.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_on_real_connections_create_one_object(world_store):
    ours = world_store.world("ours")
    for round_ in range(3):
        name = f"Race Ltd {round_}"
        answers = _at_once(ours, body(name), f"race-{round_}")
        assert [status for status, _ in answers] == [201, 201, 201]
        assert len({content for _, content in answers}) == 1
        with scope(tenant=ours.tenant):
            made = Partner.objects.filter(tenant=ours.tenant, name=name).count()
        assert made == 1


@pytest.mark.django_db(transaction=True)
def test_an_idempotent_post_in_progress_does_not_hold_up_the_keys_other_requests(
    world_store, monkeypatch
):
    """The key is counted (its row updated) before the POST's transaction opens: while a POST
    is still inside its transaction, another request with the same key is answered."""
    from prm.api import idempotency

    ours = world_store.world("ours")
    post_inside = threading.Event()
    other_answered = threading.Event()
    seen: dict[str, object] = {}
    real_keep = idempotency.keep

    def keep_after_the_other(record, response):
        post_inside.set()
        # The other request must finish while this transaction is still open.
        seen["answered_meanwhile"] = other_answered.wait(timeout=20)
        real_keep(record, response)

    monkeypatch.setattr(idempotency, "keep", keep_after_the_other)

    def slow_post() -> None:
        try:
            seen["post"] = post(api_client_for(ours), body("Held Ltd"), "held-1").status_code
        finally:
            connection.close()

    def other_get() -> None:
        try:
            post_inside.wait(timeout=20)
            seen["get"] = api_client_for(ours).get(URL).status_code
            other_answered.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=slow_post), threading.Thread(target=other_get)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == {"answered_meanwhile": True, "post": 201, "get": 200}
