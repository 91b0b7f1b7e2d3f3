"""Who is told what when a learner's course is left untouched (the quiz and course rules live
with the quizzes, `training.quizzes.notifications`)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_recipients, register_rule
from prm.tenancy.models import Membership

from .models import Enrolment
from .reminders import COURSE_UNTOUCHED


def _enrolled_learner(event: Event) -> Iterable[Membership]:
    """The member whose enrolment the event is about."""
    if not isinstance(event.subject, Enrolment):
        return []
    return Membership.objects.filter(
        tenant=event.tenant, pk=event.subject.membership_id
    ).select_related("user")


def _resume(event: Event, recipient: Membership) -> str:
    """The course page at its Resume button (it opens the next module to do)."""
    return reverse("training:course", args=[event.data["course_id"]]) + "#resume"


register_recipients("enrolled_learner", _enrolled_learner)

register_rule(
    Rule(
        key="training.course.untouched.tell_learner",
        event=COURSE_UNTOUCHED.name,
        description=_("Remind a learner of a course they started and left for some days."),
        recipients=("enrolled_learner",),
        title=_("You are {done} of {total} modules into {course} — resume"),
        body=_("You last worked on {course} {days} ago. Resume where you left off."),
        category="training",
        link=_resume,
    )
)
