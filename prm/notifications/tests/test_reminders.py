"""Reminders fire once per subject per step, and stop once the awaited thing happens."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.accounts import services
from prm.accounts.models import Invitation
from prm.notifications import reminders
from prm.notifications.models import EmailOutbox, Notification, ReminderLog
from prm.notifications.reminders import run_reminders
from prm.notifications.tasks import reminders_run_all_task
from prm.tenancy.roles import Role


def invite(world, email, days_ago):
    with scope(tenant=world.tenant):
        invitation = services.invitation_create(
            actor=world.members[Role.PARTNER_ADMIN],
            email=email,
            role=Role.PARTNER_REP,
            partner=world.partner,
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        return invitation


def reminders_to(world, email):
    with scope(tenant=world.tenant):
        return EmailOutbox.objects.filter(to_email=email, subject__startswith="Reminder").count()


@pytest.mark.django_db
def test_an_unaccepted_invitation_reminds_the_invitee_and_tells_the_inviter_once(ours):
    ours.tenant.invitation_reminder_days = 3
    ours.tenant.save()
    invite(ours, "late@example.test", days_ago=4)
    invite(ours, "fresh@example.test", days_ago=1)
    with scope(tenant=ours.tenant):
        assert run_reminders(ours.tenant) == 1
        assert run_reminders(ours.tenant) == 0  # the next sweep: nothing again
        told = Notification.objects.filter(event="accounts.invitation.reminder")
        assert [n.recipient for n in told] == [ours.members[Role.PARTNER_ADMIN].user]
        assert "late@example.test" in told[0].title
    assert reminders_to(ours, "late@example.test") == 1
    assert reminders_to(ours, "fresh@example.test") == 0


@pytest.mark.django_db
def test_the_reminder_stops_once_the_invitation_is_accepted(ours):
    invitation = invite(ours, "joins@example.test", days_ago=5)
    with scope(tenant=ours.tenant):
        services.invitation_accept(
            invitation=invitation, password="a-Long-unusual-passphrase-42", full_name="J"
        )
        assert run_reminders(ours.tenant) == 0
        assert not ReminderLog.objects.exists()


@pytest.mark.django_db
def test_n_is_the_tenants_setting(ours):
    ours.tenant.invitation_reminder_days = 10
    ours.tenant.save()
    invite(ours, "patient@example.test", days_ago=5)
    with scope(tenant=ours.tenant):
        assert run_reminders(ours.tenant) == 0
    ours.tenant.invitation_reminder_days = 4
    ours.tenant.save()
    with scope(tenant=ours.tenant):
        assert run_reminders(ours.tenant) == 1


@pytest.mark.django_db
def test_beat_runs_reminders_per_tenant_inside_its_scope(ours, theirs):
    invite(ours, "a@example.test", days_ago=9)
    invite(theirs, "b@example.test", days_ago=9)
    reminders_run_all_task()
    assert reminders_to(ours, "a@example.test") == 1
    assert reminders_to(theirs, "b@example.test") == 1
    assert reminders_to(ours, "b@example.test") == 0


@pytest.mark.django_db
def test_a_subject_due_for_another_reason_fires_again(ours, monkeypatch):
    invitation = invite(ours, "twice@example.test", days_ago=1)
    reason = {"now": "a"}
    fired = []
    monkeypatch.setattr(reminders, "_REMINDERS", {})
    reminders.register_reminder(
        reminders.Reminder(
            key="test.keyed",
            description="Due for a reason that changes.",
            after_days=lambda tenant: [0],
            due=lambda tenant, cutoff: Invitation.objects.filter(pk=invitation.pk),
            fire=lambda subject, step: fired.append(reason["now"]),
            subject_key=lambda subject: f"{subject.pk}:{reason['now']}",
        )
    )
    with scope(tenant=ours.tenant):
        assert run_reminders(ours.tenant) == 1
        assert run_reminders(ours.tenant) == 0
        reason["now"] = "b"
        assert run_reminders(ours.tenant) == 1
    assert fired == ["a", "b"]
