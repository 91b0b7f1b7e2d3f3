"""Who is told what when a learner passes or fails a quiz, and passes a course (the learner,
in the portal; imported by `training.apps`).

Each notification links to exactly the next thing to do: `training.next.next_step` for a passed
quiz or course (the next module, else the Learning page), the quiz itself after a failed attempt.

Emails: the "great job" and "you passed" messages are shown in the portal only (`email=False`):
the learner is in the portal when they happen, and an email for each quiz would be noise. A
failed attempt with a wait is emailed, because the learner has a reason to come back later.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.notifications.events import Event
from prm.notifications.rules import Rule, register_rule
from prm.tenancy.models import Membership

from ..events import COURSE_PASSED
from ..models import Enrolment
from ..next import next_step
from .events import QUIZ_FAILED, QUIZ_PASSED


def _next_link(event: Event, recipient: Membership) -> str:
    return str(event.data.get("next_url") or reverse("training:learning"))


def _quiz_link(event: Event, recipient: Membership) -> str:
    return str(event.data.get("quiz_url") or reverse("training:learning"))


def _after_course_link(event: Event, recipient: Membership) -> str:
    if isinstance(event.subject, Enrolment):
        step = next_step(event.subject)
        if step is not None:
            return step.url
    return reverse("training:learning")


register_rule(
    Rule(
        key="training.quiz.passed.tell_learner",
        event=QUIZ_PASSED.name,
        description=_("Congratulate a learner who passed a quiz and link to what comes next."),
        recipients=("actor",),
        include_actor=True,
        title=_("Great job passing {quiz} — start {next}"),
        body=_("You scored {score} on {quiz} in {course}."),
        category="training",
        email=False,
        link=_next_link,
    )
)
register_rule(
    Rule(
        key="training.quiz.failed.tell_learner",
        event=QUIZ_FAILED.name,
        description=_("Tell a learner who failed a quiz how many attempts are left, and when."),
        recipients=("actor",),
        include_actor=True,
        title=_("{quiz}: {score} — {attempts_left} attempts left, next try {when}"),
        body=_("Review the modules before the quiz in {course}, then try again."),
        category="training",
        link=_quiz_link,
    )
)
register_rule(
    Rule(
        key="training.course.passed.tell_learner",
        event=COURSE_PASSED.name,
        description=_("Congratulate a learner who passed a course."),
        recipients=("actor",),
        include_actor=True,
        title=_("You passed {course}"),
        body=_("Every module of {course} is done. Well done!"),
        category="training",
        email=False,
        link=_after_course_link,
    )
)
