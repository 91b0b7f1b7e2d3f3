"""Preferences decide the email: at once, in the day's digest, or not at all."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.notifications import services
from prm.notifications.models import Delivery, DigestLog, EmailOutbox, Notification
from prm.notifications.outbox import unsubscribe_token
from prm.notifications.tasks import digests_due_all_task, outbox_sweep_task
from prm.notifications.tests.test_events import accept_invitation
from prm.tenancy.roles import Role


def choose(world, role, delivery):
    with scope(tenant=world.tenant):
        services.preference_set(
            membership=world.members[role], category="account", delivery=delivery
        )


@pytest.mark.django_db
def test_portal_only_sends_no_email(ours, mailoutbox, django_capture_on_commit_callbacks):
    choose(ours, Role.PARTNER_ADMIN, Delivery.PORTAL)
    inviter = ours.members[Role.PARTNER_ADMIN].user
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(ours)
    with scope(tenant=ours.tenant):
        assert Notification.objects.filter(
            recipient=inviter, event="accounts.invitation.accepted"
        ).exists()
        assert not EmailOutbox.objects.filter(recipient=inviter).exists()
    assert not [m for m in mailoutbox if inviter.email in m.to]


@pytest.mark.django_db
def test_the_digest_groups_a_days_notifications_into_one_email(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    choose(ours, Role.PARTNER_ADMIN, Delivery.DIGEST)
    inviter = ours.members[Role.PARTNER_ADMIN].user
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(ours, "first@example.test")
        accept_invitation(ours, "second@example.test")
    with scope(tenant=ours.tenant):
        held = EmailOutbox.objects.filter(recipient=inviter, status="held")
        assert held.count() == 2
    assert not [m for m in mailoutbox if inviter.email in m.to]

    today = date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True), scope(tenant=ours.tenant):
        assert services.digests_send(tenant=ours.tenant, day=today) == 1
        assert services.digests_send(tenant=ours.tenant, day=today) == 0  # once a day
    digests = [m for m in mailoutbox if inviter.email in m.to]
    assert len(digests) == 1
    assert "2 updates" in digests[0].subject
    assert digests[0].body.count("accepted your invitation") == 2
    with scope(tenant=ours.tenant):
        assert EmailOutbox.objects.filter(recipient=inviter, status="digested").count() == 2
        assert DigestLog.objects.filter(user=inviter, day=today).count() == 1


@pytest.mark.django_db
def test_beat_starts_a_tenants_digest_in_its_morning(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    choose(ours, Role.PARTNER_ADMIN, Delivery.DIGEST)
    accept_invitation(ours)
    ours.tenant.time_zone = "Pacific/Auckland"
    ours.tenant.digest_hour = timezone.now().astimezone(ZoneInfo("Pacific/Auckland")).hour
    ours.tenant.save()
    with django_capture_on_commit_callbacks(execute=True):
        digests_due_all_task()
    assert any(
        "update" in m.subject
        for m in mailoutbox
        if ours.members[Role.PARTNER_ADMIN].user.email in m.to
    )


@pytest.mark.django_db
def test_the_sweep_sends_what_was_never_handed_to_the_broker(ours, mailoutbox):
    accept_invitation(ours)  # on-commit callbacks are not run: as if the broker was down
    with scope(tenant=ours.tenant):
        pending = EmailOutbox.objects.filter(status="pending").count()
    assert pending >= 2  # the invitation and the inviter's notification
    outbox_sweep_task(tenant_id=ours.tenant.pk)
    with scope(tenant=ours.tenant):
        assert not EmailOutbox.objects.filter(status="pending").exists()
    assert len(mailoutbox) == pending


@pytest.mark.django_db
def test_a_failing_backend_backs_off_then_fails_for_good(ours, settings):
    from prm.notifications.tasks import MAX_ATTEMPTS, outbox_send_task

    settings.EMAIL_BACKEND = "prm.notifications.tests.test_delivery.RefusingBackend"
    accept_invitation(ours)
    with scope(tenant=ours.tenant):
        row = EmailOutbox.objects.filter(status="pending").first()
    outbox_send_task.apply(kwargs={"tenant_id": ours.tenant.pk, "outbox_id": row.pk})
    with scope(tenant=ours.tenant):
        row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert "451" in row.last_error
    for _ in range(MAX_ATTEMPTS):
        with scope(tenant=ours.tenant):
            type(row).objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox_send_task.apply(kwargs={"tenant_id": ours.tenant.pk, "outbox_id": row.pk})
    with scope(tenant=ours.tenant):
        row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)


class RefusingBackend:
    """An email backend whose server always answers 451 (a real SMTP error type)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPDataError(451, b"try again later")


@pytest.mark.django_db
def test_the_unsubscribe_link_stops_that_categorys_email(ours, theirs, host_client):
    rep = ours.members[Role.PARTNER_REP]
    token = unsubscribe_token(tenant=ours.tenant, user=rep.user, category="account")
    client = host_client(ours.host)
    assert b"Stop these emails?" in client.get(f"/notifications/unsubscribe/{token}/").content
    done = client.post(f"/notifications/unsubscribe/{token}/")
    assert b"no longer get emails" in done.content
    with scope(tenant=ours.tenant):
        from prm.notifications.selectors import preferences_for

        assert preferences_for(tenant=ours.tenant, user=rep.user)["account"] == Delivery.PORTAL
    # The same token on the other tenant's host does nothing there.
    assert host_client(theirs.host).post(f"/notifications/unsubscribe/{token}/").status_code == 404


@pytest.mark.django_db
def test_notification_emails_carry_an_unsubscribe_link_and_header(
    ours, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(ours)
    mail = next(m for m in mailoutbox if ours.members[Role.PARTNER_ADMIN].user.email in m.to)
    assert f"http://{ours.host}:8000/notifications/unsubscribe/" in mail.body
    assert mail.extra_headers["List-Unsubscribe"].startswith(f"<http://{ours.host}:8000/")
    assert f"http://{ours.host}:8000/team/" in mail.body
