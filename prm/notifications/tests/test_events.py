"""Events: declared in one place, emitted inside the service's transaction, rules applied."""

import pytest
from django.db import transaction
from django_scopes import scope

from prm.accounts import services
from prm.notifications import events
from prm.notifications.models import EmailOutbox, Notification
from prm.tenancy.roles import Role


def accept_invitation(world, email="joiner@example.test"):
    with scope(tenant=world.tenant):
        invitation = services.invitation_create(
            actor=world.members[Role.PARTNER_ADMIN],
            email=email,
            role=Role.PARTNER_REP,
            partner=world.partner,
        )
        return services.invitation_accept(
            invitation=invitation, password="a-Long-unusual-passphrase-42", full_name="Jo Joiner"
        )


def test_every_event_is_declared_once_with_a_description():
    names = [t.name for t in events.all_event_types()]
    assert "accounts.invitation.accepted" in names
    assert len(names) == len(set(names))
    assert all(t.description for t in events.all_event_types())


@pytest.mark.django_db
def test_an_event_writes_notifications_and_outbox_rows(
    ours, django_capture_on_commit_callbacks, mailoutbox
):
    inviter = ours.members[Role.PARTNER_ADMIN]
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(ours)
    with scope(tenant=ours.tenant):
        notification = Notification.objects.get(event="accounts.invitation.accepted")
        assert notification.recipient == inviter.user
        assert notification.title == "Jo Joiner accepted your invitation"
        assert notification.link == "/team/"
        email = EmailOutbox.objects.get(recipient=inviter.user)
        assert email.status == "sent"
    assert [m.subject for m in mailoutbox if inviter.user.email in m.to] == [notification.title]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_notification_and_no_email(ours):
    class Boom(Exception):
        pass

    def accept_then_fail() -> None:
        with transaction.atomic():
            accept_invitation(ours)
            raise Boom

    with pytest.raises(Boom):
        accept_then_fail()
    with scope(tenant=ours.tenant):
        assert not Notification.objects.filter(event="accounts.invitation.accepted").exists()
        assert not EmailOutbox.objects.filter(to_email="joiner@example.test").exists()
        assert not EmailOutbox.objects.filter(category="account").exists()


@pytest.mark.django_db
def test_subscribed_handlers_run_inside_the_emitting_transaction(ours):
    seen = []
    handler = lambda event: seen.append((event.name, transaction.get_connection().in_atomic_block))  # noqa: E731
    events.subscribe("accounts.invitation.accepted", handler)
    try:
        accept_invitation(ours)
    finally:
        events._HANDLERS["accounts.invitation.accepted"].remove(handler)
    assert seen == [("accounts.invitation.accepted", True)]


@pytest.mark.django_db
def test_undeclared_events_and_foreign_subjects_are_refused(ours, theirs):
    with pytest.raises(ValueError, match="Undeclared"):
        events.emit("nobody.declared.this", tenant=ours.tenant)
    with pytest.raises(ValueError, match="tenant"):
        events.emit("accounts.invitation.accepted", tenant=ours.tenant, subject=theirs.partner)


@pytest.mark.django_db
def test_deactivation_tells_the_program_leaders_but_not_the_actor(
    ours, django_capture_on_commit_callbacks
):
    leader = ours.members[Role.PROGRAM_LEADER]
    with django_capture_on_commit_callbacks(execute=True), scope(tenant=ours.tenant):
        services.membership_deactivate(
            actor=ours.members[Role.PARTNER_ADMIN],
            membership=ours.members[Role.PARTNER_REP],
            reason="Left the company",
        )
        told = Notification.objects.filter(event="accounts.membership.deactivated")
        assert [n.recipient for n in told] == [leader.user]
        assert "Left the company" in told[0].body
        assert (
            told[0].link == f"/admin/tenancy/membership/{ours.members[Role.PARTNER_REP].pk}/change/"
        )


@pytest.mark.django_db
def test_a_handler_subscribed_ahead_waits_until_its_event_is_declared(ours, monkeypatch):
    seen = []
    name = "later.thing.happened"
    with pytest.raises(ValueError, match="Undeclared"):
        events.subscribe(name, seen.append)  # the plain subscribe refuses unknown names
    monkeypatch.setitem(events._HANDLERS, name, [])
    events.subscribe_ahead(name, seen.append)
    with pytest.raises(ValueError, match="Undeclared"):
        events.emit(name, tenant=ours.tenant)
    monkeypatch.setitem(events._TYPES, name, events.EventType(name, "Later, it happened."))
    events.emit(name, tenant=ours.tenant)
    assert [e.name for e in seen] == [name]
