"""The retry schedule, giving up after a day, an endpoint's health (disabled after a day of
failures, the program leaders told once), enabling it again, and the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.webhooks import sending, tasks
from prm.webhooks.models import WebhookDelivery, WebhookEndpoint
from prm.webhooks.outbox import deliveries_write
from prm.webhooks.payloads import subject_data
from prm.webhooks.sending import backoff, delivery_send
from prm.webhooks.services import endpoint_enable
from prm.webhooks.transport import Result

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(monkeypatch):
    """`answers.status` is what the (fake) receiver answers; `answers.sent` what it got."""

    class Answers:
        status: int | None = 500
        sent: list[str] = []

    def deliver(url, *, body, event, delivery_id, secret):
        Answers.sent.append(delivery_id)
        error = "" if Answers.status else "ConnectionRefusedError: [Errno 111]"
        return Result(request_headers={"PRM-Delivery": delivery_id}, status=Answers.status,
                      error=error)  # fmt: skip

    Answers.sent = []
    monkeypatch.setattr(sending.transport, "deliver", deliver)
    return Answers


def _delivery(world, endpoint) -> WebhookDelivery:
    [delivery] = deliveries_write(
        tenant=world.tenant, endpoint_ids=[endpoint.pk], event="deals.deal.won",
        data=subject_data(None, {}),
    )  # fmt: skip
    return delivery


def test_the_backoff_doubles_from_30_seconds_with_jitter_and_is_capped_at_an_hour():
    middle = [backoff(n, jitter=lambda: 0.5).total_seconds() for n in range(1, 11)]
    assert middle == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    for n in range(1, 30):
        low, high = backoff(n, jitter=lambda: 0.0), backoff(n, jitter=lambda: 1.0)
        assert low < high or high == timedelta(hours=1)
        assert high <= timedelta(hours=1)
    assert backoff(1, jitter=lambda: 0.0) == timedelta(seconds=27)
    assert backoff(1, jitter=lambda: 1.0) == timedelta(seconds=33)


def test_a_failing_delivery_is_retried_until_a_day_has_passed_then_fails_for_good(in_ours, answers):
    endpoint = make_endpoint(in_ours, "https://crm.example.com/hooks")
    delivery = _delivery(in_ours, endpoint)
    created = delivery.created_at
    waits = []
    now = created
    while True:
        outcome = delivery_send(delivery_id=str(delivery.pk), now=now)
        delivery.refresh_from_db()
        if outcome == "failed":
            break
        assert outcome == "retry"
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    # 30 s, 1, 2, 4, 8, 16, 32 min (each ±10 %), then hourly, the last at the 24-hour mark
    for wait, seconds in zip(waits, [30, 60, 120, 240, 480, 960, 1920], strict=False):
        assert seconds * 0.9 <= wait.total_seconds() <= seconds * 1.1
    assert all(w <= timedelta(hours=1) for w in waits)
    assert now == created + timedelta(hours=24)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.attempts == len(answers.sent) == len(waits) + 1
    assert 28 <= delivery.attempts <= 32


def test_an_endpoint_failing_for_a_day_is_disabled_and_the_leaders_are_told_once(in_ours, answers):
    endpoint = make_endpoint(in_ours, "https://crm.example.com/hooks")
    first = _delivery(in_ours, endpoint)
    start = first.created_at
    assert delivery_send(delivery_id=str(first.pk), now=start) == "retry"
    endpoint.refresh_from_db()
    assert endpoint.failing_since == start
    told = Notification.objects.filter(event="webhooks.endpoint.disabled")
    assert not told.exists()

    # Still failing 23 hours on: still active.
    second = _delivery(in_ours, endpoint)
    WebhookDelivery.objects.filter(pk=second.pk).update(next_attempt_at=start)
    delivery_send(delivery_id=str(second.pk), now=start + timedelta(hours=23))
    endpoint.refresh_from_db()
    assert endpoint.is_active

    # A day of failures: disabled, with the reason, and the program leaders told.
    third = _delivery(in_ours, endpoint)
    WebhookDelivery.objects.filter(pk=third.pk).update(next_attempt_at=start)
    delivery_send(delivery_id=str(third.pk), now=start + timedelta(hours=24, minutes=1))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_by is None
    assert "24 hours" in endpoint.disabled_reason
    leaders = Membership.objects.filter(
        tenant=in_ours.tenant, role=Role.PROGRAM_LEADER, is_active=True
    )
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(m.user_id for m in leaders)
    assert told.first().link == f"/admin/integrations/webhooks/{endpoint.pk}/"
    assert AuditEvent.objects.filter(
        action="webhooks.endpoint.disabled", object_id=str(endpoint.pk), actor=None
    ).exists()

    # Its deliveries wait: not sent while disabled, not lost.
    count = len(answers.sent)
    for delivery in (first, second, third):
        assert delivery_send(delivery_id=str(delivery.pk), now=start + timedelta(days=2)) == (
            "skipped"
        )
    assert len(answers.sent) == count
    tasks.webhook_sweep_task(tenant_id=in_ours.tenant.pk)
    assert len(answers.sent) == count + 1  # only the world's endpoint, told of the disabling
    assert answers.sent[-1] not in {str(d.pk) for d in (first, second, third)}
    # No new deliveries for a disabled endpoint; and the leaders are told only once.
    assert told.count() == leaders.count()


def test_enabling_again_sends_the_deliveries_that_waited(
    in_ours, answers, django_capture_on_commit_callbacks
):
    leader = in_ours.members[Role.PROGRAM_LEADER]
    endpoint = make_endpoint(
        in_ours,
        "https://crm.example.com/hooks",
        is_active=False,
        disabled_at=timezone.now(),
        disabled_reason="failing",
        failing_since=timezone.now() - timedelta(days=1),
    )
    waiting = [_delivery(in_ours, endpoint) for _ in range(2)]
    WebhookDelivery.objects.filter(pk=waiting[1].pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=30)
    )
    answers.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        endpoint_enable(actor=leader, endpoint=endpoint)
    assert sorted(answers.sent) == sorted(str(d.pk) for d in waiting)
    assert set(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list("status", flat=True)
    ) == {WebhookDelivery.Status.DELIVERED}
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert (endpoint.failing_since, endpoint.disabled_reason) == (None, "")


def test_the_sweep_enqueues_what_is_due_and_not_what_a_worker_is_sending(in_ours, answers):
    endpoint = make_endpoint(in_ours, "https://crm.example.com/hooks")
    due = _delivery(in_ours, endpoint)
    later = _delivery(in_ours, endpoint)
    WebhookDelivery.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=10)
    )
    answers.status = 200
    assert tasks.webhook_sweep_task(tenant_id=in_ours.tenant.pk) == 1
    assert answers.sent == [str(due.pk)]
    # An attempt taken by a worker moves the delivery out of the sweep's reach (its lease).
    taking = _delivery(in_ours, endpoint)
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=taking.pk).update(next_attempt_at=now + sending.LEASE)
    assert tasks.webhook_sweep_task(tenant_id=in_ours.tenant.pk) == 0


def test_the_sweep_of_every_tenant_runs_each_in_its_scope(in_ours, theirs, answers):
    answers.status = 200
    endpoint = make_endpoint(in_ours, "https://crm.example.com/hooks")
    delivery = _delivery(in_ours, endpoint)
    tasks.webhook_sweep_all_task()
    assert answers.sent == [str(delivery.pk)]


def test_the_sweep_is_on_the_beat_schedule_every_minute():
    from prm.celery import app

    entry = app.conf.beat_schedule["webhooks-sweep"]
    assert entry == {"task": "prm.webhooks.tasks.webhook_sweep_all_task", "schedule": 60.0}


def test_a_delivered_delivery_is_not_sent_again_by_its_task(in_ours, answers):
    answers.status = 200
    endpoint = make_endpoint(in_ours, "https://crm.example.com/hooks")
    delivery = _delivery(in_ours, endpoint)
    assert (
        tasks.webhook_deliver_task(tenant_id=in_ours.tenant.pk, delivery_id=str(delivery.pk))
        == "delivered"
    )
    assert (
        tasks.webhook_deliver_task(tenant_id=in_ours.tenant.pk, delivery_id=str(delivery.pk))
        == "skipped"
    )
    assert answers.sent == [str(delivery.pk)]
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failing_since is None
