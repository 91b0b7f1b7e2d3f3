"""The outbox: a delivery per subscribed active endpoint of the event's tenant, written in the
event's transaction, with the body frozen then (prm/webhooks/outbox.py)."""

import json

import pytest
from django.db import transaction
from django_scopes import scope

from prm.api import registry
from prm.notifications import events as event_registry
from prm.notifications.events import emit
from prm.webhooks.models import WebhookDelivery
from prm.webhooks.services import endpoint_create

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db

EVENT = "partners.partner.profile_changed"


class Boom(Exception):
    pass


def _emit(world, **data):
    return emit(EVENT, tenant=world.tenant, subject=world.partner, data=data)


def test_an_event_rolled_back_leaves_no_delivery(in_ours, leader):
    endpoint = endpoint_create(actor=leader, url="https://crm.example.com/a", events=[EVENT])
    written = []

    def emit_then_fail():
        with transaction.atomic():
            _emit(in_ours)
            written.append(WebhookDelivery.objects.filter(endpoint=endpoint).count())
            raise Boom

    with pytest.raises(Boom):
        emit_then_fail()
    assert written == [1]
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_a_committed_event_leaves_one_delivery_per_subscribed_active_endpoint(
    in_ours, theirs, leader, django_capture_on_commit_callbacks
):
    both = make_endpoint(in_ours, "https://crm.example.com/1", events=[EVENT, "deals.deal.won"])
    only = make_endpoint(in_ours, "https://crm.example.com/2", events=[EVENT])
    unsubscribed = make_endpoint(in_ours, "https://crm.example.com/3", events=["deals.deal.won"])
    disabled = make_endpoint(in_ours, "https://crm.example.com/4", events=[EVENT], is_active=False)
    with scope(tenant=theirs.tenant):
        foreign = make_endpoint(theirs, "https://crm.example.com/5", events=[EVENT])
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        _emit(in_ours)
    written = WebhookDelivery.objects.filter(event=EVENT)
    assert sorted(d.endpoint_id for d in written) == sorted([both.pk, only.pk])
    assert not WebhookDelivery.objects.filter(endpoint__in=[unsubscribed, disabled]).exists()
    with scope(tenant=theirs.tenant):
        assert not WebhookDelivery.objects.filter(endpoint=foreign).exists()
    # Each is handed to Celery after commit (eager here: it is attempted when they run).
    assert len(callbacks) == 2
    assert {d.status for d in written} == {WebhookDelivery.Status.PENDING}
    assert all(d.next_attempt_at == d.created_at for d in written)


def test_an_event_no_endpoint_subscribes_to_costs_no_query_and_writes_nothing(
    in_ours, django_assert_num_queries
):
    make_endpoint(in_ours, "https://crm.example.com/other", events=["deals.deal.won"])
    WebhookDelivery.objects.all().delete()
    handlers = event_registry._HANDLERS.pop(EVENT, [])
    try:
        from prm.webhooks.outbox import on_event

        event = event_registry.Event(
            type=event_registry.event_type(EVENT),
            tenant=in_ours.tenant,
            actor=None,
            subject=in_ours.partner,
        )
        with django_assert_num_queries(0):
            on_event(event)
    finally:
        event_registry._HANDLERS[EVENT] = handlers
    assert not WebhookDelivery.objects.exists()


def test_the_body_is_the_event_in_the_apis_representation_frozen_when_written(in_ours, monkeypatch):
    endpoint = make_endpoint(in_ours, "https://crm.example.com/b", events=[EVENT])
    monkeypatch.setitem(
        registry._REPRESENTATIONS,
        type(in_ours.partner),
        lambda obj: {"id": obj.pk, "name": obj.name},
    )
    _emit(in_ours, field="name", count=3, ratio=0.5, flag=True, nothing=None, nested={"x": 1})
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    body = json.loads(delivery.body)
    assert body == {
        "id": str(delivery.pk),
        "type": EVENT,
        "created": delivery.created_at.isoformat(),
        "tenant": in_ours.tenant.slug,
        "data": {
            "object": {"id": in_ours.partner.pk, "name": in_ours.partner.name},
            "object_type": "partners.partner",
            "object_id": in_ours.partner.pk,
            # only plain values: the nested dict is left out
            "details": {"field": "name", "count": 3, "ratio": 0.5, "flag": True, "nothing": None},
        },
    }
    assert delivery.body == json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    # Renaming the partner afterwards changes nothing of what is sent.
    in_ours.partner.name = "Renamed"
    in_ours.partner.save()
    delivery.refresh_from_db()
    assert json.loads(delivery.body)["data"]["object"]["name"] != "Renamed"


def test_an_unrepresented_subject_is_sent_as_its_type_and_id(in_ours):
    endpoint = make_endpoint(in_ours, "https://crm.example.com/c", events=[EVENT])
    monkeypatch_free = registry._REPRESENTATIONS.pop(type(in_ours.partner), None)
    try:
        _emit(in_ours)
    finally:
        if monkeypatch_free is not None:
            registry._REPRESENTATIONS[type(in_ours.partner)] = monkeypatch_free
    data = json.loads(WebhookDelivery.objects.get(endpoint=endpoint).body)["data"]
    assert data["object"] is None
    assert data["object_type"] == "partners.partner"
    assert data["object_id"] == in_ours.partner.pk


def test_listeners_of_every_event_run_after_the_subscribed_handlers(in_ours, monkeypatch):
    order = []
    monkeypatch.setattr(event_registry, "_HANDLERS", {EVENT: [lambda e: order.append("one")]})
    monkeypatch.setattr(event_registry, "_ALL_HANDLERS", [lambda e: order.append("all")])
    _emit(in_ours)
    assert order == ["one", "all"]
