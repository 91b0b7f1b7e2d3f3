"""The untouched-course reminder: once per step, again only after progress and another idle
period, never for passed courses, inactive members or courses no longer offered."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Segment
from prm.notifications.models import Notification, ReminderLog
from prm.notifications.reminders import run_reminders
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from training.models import Course, Enrolment, TrainingSettings
from training.services import module_complete

pytestmark = pytest.mark.django_db

KEY = "training.course.untouched"


def idle(enrolment, days: float) -> None:
    """The enrolment was last touched `days` ago."""
    Enrolment.objects.filter(pk=enrolment.pk).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def sweep(world) -> int:
    """Run every reminder; how many untouched-course reminders fired."""
    before = ReminderLog.objects.filter(reminder=KEY).count()
    run_reminders(world.tenant)
    return ReminderLog.objects.filter(reminder=KEY).count() - before


def told(world):
    return Notification.objects.filter(
        event=KEY, recipient=world.members[Role.PARTNER_REP].user
    ).order_by("created_at", "id")


@pytest.fixture
def enrolment(ours):
    """Partner A's rep: 1 of 3 modules done, untouched for 8 days (the default is 7)."""
    with scope(tenant=ours.tenant):
        found = Enrolment.objects.get(pk=ours.enrolment.pk)
        idle(found, 8)
        yield found


def test_it_fires_once_and_links_to_resume(ours, enrolment):
    assert sweep(ours) == 1
    assert sweep(ours) == 0  # the next sweep: nothing again
    notification = told(ours).get()
    assert notification.title == f"You are 1 of 3 modules into {ours.course.title} — resume"
    assert "8 days ago" in notification.body
    assert notification.link == f"/learning/courses/{ours.course.pk}/#resume"


def test_it_waits_for_the_tenants_number_of_days(ours, enrolment):
    idle(enrolment, 6)
    assert sweep(ours) == 0
    TrainingSettings.objects.filter(tenant=ours.tenant).update(untouched_days=5)
    assert sweep(ours) == 1


def test_progress_starts_the_clock_again_and_the_next_step_reminds_once(ours, enrolment):
    assert sweep(ours) == 1
    rep = ours.members[Role.PARTNER_REP]
    module_complete(actor=rep, enrolment=enrolment, module=ours.course_modules["video"])
    assert sweep(ours) == 0  # just touched
    idle(enrolment, 3)
    assert sweep(ours) == 0  # not idle long enough
    idle(enrolment, 9)
    assert sweep(ours) == 1
    assert sweep(ours) == 0
    assert [n.title.split(" modules")[0] for n in told(ours)] == [
        "You are 1 of 3",
        "You are 2 of 3",
    ]


def test_opening_again_without_progress_does_not_remind_twice(ours, enrolment):
    assert sweep(ours) == 1
    idle(enrolment, 0)  # touched (the same step)
    idle(enrolment, 20)
    assert sweep(ours) == 0


def test_not_for_a_passed_course(ours, enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    assert sweep(ours) == 0


def test_not_for_an_inactive_member(ours, enrolment):
    Membership.objects.filter(pk=enrolment.membership_id).update(is_active=False)
    assert sweep(ours) == 0


def test_not_for_an_unpublished_course(ours, enrolment):
    Course.objects.filter(pk=ours.course.pk).update(status=Course.Status.DRAFT)
    assert sweep(ours) == 0


def test_a_course_retargeted_away_is_still_reminded_to_the_learner_who_started_it(ours, enrolment):
    # The learner keeps a course they started (training.selectors.courses_for_learner).
    elsewhere = Segment.objects.create(tenant=ours.tenant, name="Far away", regions=["latam"])
    ours.course.segments.set([elsewhere])
    sweep(ours)
    assert told(ours).count() == 1


def test_another_tenants_sweep_leaves_ours_alone(ours, theirs, enrolment):
    with scope(tenant=theirs.tenant):
        run_reminders(theirs.tenant)
    assert not told(ours).exists()
