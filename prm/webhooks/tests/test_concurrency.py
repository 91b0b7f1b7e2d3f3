"""Two workers sending the same due delivery at once, on real concurrent connections, send it
once: the attempt is taken by one conditional update (prm/webhooks/sending.py)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from prm.webhooks.models import WebhookAttempt, WebhookDelivery
from prm.webhooks.sending import delivery_send

from .conftest import make_endpoint

ROUNDS = 3


def _race(world, calls) -> list[str]:
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                outcomes.append(call())
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_delivery_at_once_send_it_once(ours, receiver, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    receiver.delay = 0.2  # the first send is still under way when the second worker looks
    with scope(tenant=ours.tenant):
        endpoint = make_endpoint(ours, receiver.url)
    for round_ in range(ROUNDS):
        with scope(tenant=ours.tenant):
            # Written as a row: the outbox would hand it to (eager) Celery at once.
            now = timezone.now()
            delivery = WebhookDelivery.objects.create(
                tenant=ours.tenant,
                endpoint=endpoint,
                event="deals.deal.won",
                body=f'{{"round":{round_}}}',
                created_at=now,
                next_attempt_at=now,
            )
        key = str(delivery.pk)
        outcomes = _race(ours, [lambda key=key: delivery_send(delivery_id=key)] * 2)
        assert outcomes == ["delivered", "skipped"]
        with scope(tenant=ours.tenant):
            delivery.refresh_from_db()
            assert delivery.attempts == 1
            assert WebhookAttempt.objects.filter(delivery=delivery).count() == 1
            assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [r.headers["PRM-Delivery"] for r in receiver.requests] == receiver.processed
    assert receiver.duplicates == []
    assert len(receiver.requests) == ROUNDS
