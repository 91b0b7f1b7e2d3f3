"""One call audits a fact and announces it (`log_action`): the same facts, or neither."""

import pytest
from django.db import transaction
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.notifications import events
from prm.notifications.log import log_action
from prm.tenancy.roles import Role

HAPPENED = events.EventType("tests.thing.happened", "A test fact.", placeholders=("what",))


@pytest.fixture
def announced(monkeypatch):
    seen: list[events.Event] = []
    monkeypatch.setitem(events._TYPES, HAPPENED.name, HAPPENED)
    monkeypatch.setitem(events._HANDLERS, HAPPENED.name, [seen.append])
    return seen


@pytest.mark.django_db
def test_one_call_audits_and_announces_the_same_fact(ours, announced):
    member, actor = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN].user
    with scope(tenant=ours.tenant):
        audit = log_action(
            event=HAPPENED,
            tenant=ours.tenant,
            actor=actor,
            obj=member,
            before={"level": 1},
            after={"level": 2},
            reason="Because",
            ip="192.0.2.1",
            data={"what": "a test"},
        )
    assert (audit.action, audit.actor, audit.object_id) == (HAPPENED.name, actor, str(member.pk))
    assert (audit.before, audit.after, audit.reason) == ({"level": 1}, {"level": 2}, "Because")
    assert audit.ip_address == "192.0.2.1"
    [event] = announced
    assert (event.name, event.tenant, event.actor, event.subject) == (
        HAPPENED.name,
        ours.tenant,
        actor,
        member,
    )
    assert event.data == {"what": "a test"}


@pytest.mark.django_db
def test_the_audit_action_may_differ_from_the_events_name(ours, announced):
    with scope(tenant=ours.tenant):
        audit = log_action(
            event=HAPPENED, action="tests.thing.approved", tenant=ours.tenant, actor=None
        )
    assert audit.action == "tests.thing.approved"
    assert [e.name for e in announced] == [HAPPENED.name]


@pytest.mark.django_db
def test_a_refused_announcement_takes_its_audit_event_back_with_the_transaction(
    ours, theirs, announced
):
    with scope(tenant=ours.tenant):
        with pytest.raises(ValueError, match="tenant"), transaction.atomic():
            log_action(event=HAPPENED, tenant=ours.tenant, actor=None, obj=theirs.partner)
        assert not AuditEvent.objects.filter(action=HAPPENED.name).exists()
    assert announced == []


@pytest.mark.django_db
def test_the_events_subject_may_differ_from_the_audited_object(ours, announced):
    member = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        audit = log_action(
            event=HAPPENED, tenant=ours.tenant, actor=None, obj=ours.partner, subject=member
        )
    assert (audit.object_type.model, audit.object_id) == ("partner", str(ours.partner.pk))
    [event] = announced
    assert event.subject == member
