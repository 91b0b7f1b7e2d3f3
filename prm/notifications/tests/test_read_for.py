"""A notification remembers what it was about; once its recipient has dealt with that, a service
marks it read (`notifications_read_for`), and only that recipient's, only about that."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope

from prm.accounts.models import Invitation
from prm.notifications.models import Notification
from prm.notifications.services import notifications_read_for
from prm.notifications.tests.test_events import accept_invitation
from prm.tenancy.roles import Role


def notice(world, user, subject, title="About it") -> Notification:
    return Notification.objects.create(
        tenant=world.tenant,
        recipient=user,
        event="test.about",
        rule="test.about",
        category="account",
        title=title,
        subject_type=ContentType.objects.get_for_model(subject) if subject else None,
        subject_id=str(subject.pk) if subject else "",
    )


@pytest.mark.django_db
def test_an_events_notifications_name_the_events_subject(ours):
    accept_invitation(ours)
    with scope(tenant=ours.tenant):
        notification = Notification.objects.get(event="accounts.invitation.accepted")
        invitation = Invitation.objects.get(email="joiner@example.test")
    assert notification.subject_type == ContentType.objects.get_for_model(Invitation)
    assert notification.subject_id == str(invitation.pk)


@pytest.mark.django_db
def test_only_the_users_unread_notifications_about_the_subject_are_marked_read(ours):
    cam, leader = ours.members[Role.CAM].user, ours.members[Role.PROGRAM_LEADER].user
    subject, elsewhere = ours.partner, ours.other_partner
    with scope(tenant=ours.tenant):
        mine = [notice(ours, cam, subject), notice(ours, cam, subject, "Again")]
        others = [
            notice(ours, cam, elsewhere),  # about something else
            notice(ours, leader, subject),  # someone else's
            notice(ours, cam, None),  # about nothing in particular
        ]
        assert notifications_read_for(user=cam, subject=subject) == 2
        assert notifications_read_for(user=cam, subject=subject) == 0  # once
        for n in mine:
            n.refresh_from_db()
            assert n.read_at is not None
        for n in others:
            n.refresh_from_db()
            assert n.read_at is None
        assert notifications_read_for(user=None, subject=subject) == 0  # the system acted


@pytest.mark.django_db
def test_another_tenants_notifications_are_never_touched(ours, theirs):
    """A user of both tenants holds, in theirs, a notification naming the same type and id as
    our subject (as if ids collided): only the subject's own tenant is looked at."""
    user = ours.members[Role.CAM].user
    with scope(tenant=theirs.tenant):
        theirs_notice = notice(theirs, user, ours.partner)
    with scope(tenant=ours.tenant):
        assert notifications_read_for(user=user, subject=ours.partner) == 0
    with scope(tenant=theirs.tenant):
        theirs_notice.refresh_from_db()
        assert theirs_notice.read_at is None


def test_reading_for_some_events_leaves_the_others_unread(ours):
    from prm.notifications.models import Notification

    cam = ours.members[Role.CAM].user
    subject = ours.partner
    with scope(tenant=ours.tenant):
        from django.contrib.contenttypes.models import ContentType

        kind = ContentType.objects.get_for_model(subject)
        for event in ("x.commented", "x.decide"):
            Notification.objects.create(
                tenant=ours.tenant, recipient=cam, event=event, rule=event, category="c",
                title=event, subject_type=kind, subject_id=str(subject.pk),
            )  # fmt: skip
        assert notifications_read_for(user=cam, subject=subject, events=["x.commented"]) == 1
        unread = Notification.objects.filter(
            recipient=cam, subject_id=str(subject.pk), read_at__isnull=True
        )
        assert list(unread.values_list("event", flat=True)) == ["x.decide"]
