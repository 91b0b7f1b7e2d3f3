"""Sending to a real local receiver: the signature, retries while it is down, the delivery id
that lets it drop duplicates, and the addresses refused at send time (prm/webhooks/sending.py,
transport.py)."""

import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from prm.webhooks import transport
from prm.webhooks.models import WebhookAttempt, WebhookDelivery
from prm.webhooks.outbox import deliveries_write
from prm.webhooks.payloads import subject_data
from prm.webhooks.sending import delivery_send
from prm.webhooks.services import delivery_redeliver
from prm.webhooks.transport import sign, verify

from .conftest import make_endpoint
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def _delivery(world, endpoint, event="deals.deal.won", **details) -> WebhookDelivery:
    [delivery] = deliveries_write(
        tenant=world.tenant,
        endpoint_ids=[endpoint.pk],
        event=event,
        data=subject_data(None, details or {"deal": "DR-000042"}),
    )
    return delivery


def _later(delivery: WebhookDelivery) -> timezone.datetime:
    """A moment when the delivery's next attempt is due."""
    delivery.refresh_from_db()
    return delivery.next_attempt_at + timedelta(seconds=1)


def test_the_receiver_verifies_the_signature_over_the_raw_body(in_ours, loopback, receiver):
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint, amount="1000.00", customer="Coho Wïnery")

    assert delivery_send(delivery_id=str(delivery.pk)) == "delivered"

    [got] = receiver.requests
    # What a receiver does: t and v1 from the header, HMAC-SHA256 of "t.body" with the secret.
    header = got.headers["PRM-Signature"]
    parts = dict(p.split("=", 1) for p in header.split(","))
    import hashlib
    import hmac

    expected = hmac.new(
        endpoint.secret.encode(), parts["t"].encode() + b"." + got.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert verify(endpoint.secret, header, got.body)
    assert not verify("whsec_another", header, got.body)
    assert not verify(endpoint.secret, header, got.body + b" ")
    assert got.body == delivery.body.encode()
    assert json.loads(got.body)["data"]["details"]["customer"] == "Coho Wïnery"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"] == "PRM-Webhooks/1"
    assert got.headers["PRM-Event"] == "deals.deal.won"
    assert got.headers["PRM-Delivery"] == str(delivery.pk)
    assert got.headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert got.path == "/hooks"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.ok
    assert (attempt.response_status, attempt.response_body) == (200, "ok")
    assert attempt.request_headers["PRM-Signature"] == header
    assert attempt.request_body == delivery.body


def test_an_old_signature_is_refused_by_the_verifier():
    body = b'{"id":"x"}'
    old = int(timezone.now().timestamp()) - 3600
    assert not verify("whsec_s", sign("whsec_s", old, body), body)


def test_a_receiver_down_for_a_while_gets_the_delivery_once_back_with_the_same_id(
    in_ours, loopback, receiver
):
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint)
    port = receiver.port
    receiver.stop()  # the port is closed: nobody answers

    assert delivery_send(delivery_id=str(delivery.pk)) == "retry"
    delivery.refresh_from_db()
    first_retry = delivery.next_attempt_at
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert timedelta(seconds=25) <= first_retry - delivery.last_attempt_at <= timedelta(seconds=35)
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None

    back = Receiver(status=503).start(port)  # up again, but unavailable
    try:
        assert delivery_send(delivery_id=str(delivery.pk), now=_later(delivery)) == "retry"
        delivery.refresh_from_db()
        assert delivery.last_status_code == 503
        back.status = 200
        assert delivery_send(delivery_id=str(delivery.pk), now=_later(delivery)) == "delivered"
    finally:
        back.stop()
    ids = [r.headers["PRM-Delivery"] for r in back.requests]
    assert ids == [str(delivery.pk)] * 2
    assert back.requests[0].body == back.requests[1].body == delivery.body.encode()
    assert back.processed == [str(delivery.pk)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 3)
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 3
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None  # a success clears it


def test_a_delivery_not_due_yet_is_not_sent(in_ours, loopback, receiver):
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert delivery_send(delivery_id=str(delivery.pk)) == "skipped"
    assert receiver.requests == []


def test_redelivering_sends_the_same_id_and_the_receiver_drops_the_duplicate(
    in_ours, loopback, receiver, leader, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "delivered"

    with django_capture_on_commit_callbacks(execute=True):
        delivery_redeliver(actor=leader, delivery=delivery)

    assert [r.headers["PRM-Delivery"] for r in receiver.requests] == [str(delivery.pk)] * 2
    assert receiver.requests[0].body == receiver.requests[1].body
    assert receiver.processed == [str(delivery.pk)]
    assert receiver.duplicates == [str(delivery.pk)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 2)


def test_a_redirect_is_a_failure_and_is_not_followed(in_ours, loopback, receiver):
    receiver.status = 302
    receiver.reply_headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "retry"
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302
    assert "302" in delivery.last_error


def test_the_response_is_read_to_64_kb_and_4_kb_kept(in_ours, loopback, receiver):
    receiver.reply = b"x" * 200_000
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "delivered"
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert len(attempt.response_body) == 4096


def test_a_slow_receiver_times_out(in_ours, loopback, receiver, monkeypatch):
    monkeypatch.setattr(transport, "TOTAL_TIMEOUT", 0.5)
    receiver.delay = 2
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "retry"
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.response_status is None
    assert "timed out" in attempt.error.lower() or "timeout" in attempt.error.lower()
    assert attempt.duration_ms < 1500


def test_a_payload_over_256_kb_is_not_sent_and_fails_for_good(in_ours, loopback, receiver):
    endpoint = make_endpoint(in_ours, receiver.url)
    delivery = _delivery(in_ours, endpoint, notes="x" * (300 * 1024))
    assert delivery_send(delivery_id=str(delivery.pk)) == "failed"
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "not sent" in delivery.last_error
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None  # not the receiver's fault


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks",
        "http://localhost:{port}/hooks",
        "http://[::1]:{port}/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.11.12.13:{port}/hooks",
        "http://[::ffff:127.0.0.1]:{port}/hooks",
    ],
)
def test_private_targets_are_refused_at_send_time_outside_the_development_setting(
    in_ours, receiver, url, settings
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    endpoint = make_endpoint(in_ours, url.format(port=receiver.port))
    delivery = _delivery(in_ours, endpoint)

    assert delivery_send(delivery_id=str(delivery.pk)) == "retry"

    assert receiver.requests == []  # no connection reached the receiver
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert "not a public address" in attempt.error
    assert attempt.response_status is None


def test_a_name_rebound_to_loopback_is_refused_and_never_connected(
    in_ours, receiver, monkeypatch, settings
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        return real("127.0.0.1" if host == "crm.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    endpoint = make_endpoint(in_ours, f"http://crm.example.com:{receiver.port}/hooks")
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "retry"
    assert receiver.requests == []


def test_the_connection_goes_to_the_checked_address_with_the_urls_host(
    in_ours, loopback, receiver, monkeypatch
):
    lookups = []
    real = socket.getaddrinfo

    def resolving(host, *args, **kwargs):
        lookups.append(host)
        return real("127.0.0.1" if host == "crm.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolving)
    endpoint = make_endpoint(in_ours, f"http://crm.example.com:{receiver.port}/hooks?x=1")
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "delivered"
    [got] = receiver.requests
    assert got.headers["Host"] == f"crm.example.com:{receiver.port}"
    assert got.path == "/hooks?x=1"
    # The name was looked up once, when checked; the connection went to the checked address
    # (create_connection parses it, a literal: no second lookup of the name).
    assert lookups == ["crm.example.com", "127.0.0.1"]


def test_https_checks_the_certificate_against_the_host_name(in_ours, loopback, receiver):
    # The local receiver speaks plain HTTP: the TLS handshake fails, and nothing is sent.
    endpoint = make_endpoint(in_ours, f"https://127.0.0.1:{receiver.port}/hooks")
    delivery = _delivery(in_ours, endpoint)
    assert delivery_send(delivery_id=str(delivery.pk)) == "retry"
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert "SSL" in attempt.error or "ssl" in attempt.error.lower()
    assert all(r.body != delivery.body.encode() for r in receiver.requests)
