"""Audit events record who changed what, from which state to which, and why."""

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.audit.selectors import audit_events_for
from prm.audit.sentences import describe
from prm.audit.services import audit_record
from prm.tenancy.roles import Role


@pytest.mark.django_db
def test_an_event_records_actor_object_change_reason_and_ip(ours):
    leader = ours.members[Role.PROGRAM_LEADER].user
    with scope(tenant=ours.tenant):
        event = audit_record(
            tenant=ours.tenant,
            actor=leader,
            action="partners.partner.status_changed",
            obj=ours.partner,
            before={"status": "onboarding"},
            after={"status": "active"},
            reason="Signed the agreement",
            ip="10.0.0.7",
        )
        assert event.actor_label == leader.email
        assert event.object_repr == ours.partner.name
        assert event.changes() == [("status", "onboarding", "active")]
        assert audit_events_for(tenant=ours.tenant, obj=ours.partner)[0] == event


@pytest.mark.django_db
def test_system_events_have_no_actor(ours):
    with scope(tenant=ours.tenant):
        event = audit_record(tenant=ours.tenant, actor=None, action="accounts.invitation.expired")
    assert (event.actor, event.actor_label) == (None, "system")


@pytest.mark.django_db
def test_an_objects_history_holds_only_its_own_tenants_events(ours, theirs):
    with scope(tenant=ours.tenant):
        events = list(audit_events_for(tenant=ours.tenant, obj=ours.partner))
    assert events
    assert all(e.tenant_id == ours.tenant.pk for e in events)
    with scope(tenant=theirs.tenant):
        assert not audit_events_for(tenant=theirs.tenant, obj=ours.partner).exists()
    with scope(tenant=ours.tenant):
        assert AuditEvent.objects.filter(tenant=theirs.tenant).count() == 0


def test_the_history_panel_shows_amounts_and_dates_through_the_formatter():
    event = AuditEvent(
        action="deals.deal.unregistered_action",
        before={"won_amount": None},
        after={
            "amount": "125000.00",
            "won_amount": "99000.00",
            "currency": "USD",
            "expires_at": "2027-03-06T10:30:00+00:00",
            "closed_on": "2027-01-02",
        },
    )
    with translation.override("en"), timezone.override("UTC"):
        shown = {c.label: (c.before, c.after) for c in describe(event).changes}
    assert shown == {
        "Won amount": ("—", "$99,000.00"),
        "Amount": (None, "$125,000.00"),
        "Expires at": (None, "Mar 6, 2027, 10:30\u202fAM"),
        "Closed on": (None, "Jan 2, 2027"),
    }
    # The record itself keeps the machine values; the currency is said with the amounts.
    assert ("currency", None, "USD") in event.changes()
