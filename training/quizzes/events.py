"""Events of a submitted quiz attempt (emitted by `training.quizzes.services.attempt_submit`;
audited under the same names, phrased in `training.phrases`)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from prm.dates import format_moment
from prm.notifications.events import declare

from ..events import event_data
from ..models import Attempt, Enrolment, VersionModule
from ..next import NextStep

_QUIZ = ("course", "learner", "partner", "quiz", "score")

QUIZ_PASSED = declare(
    "training.quiz.passed",
    "A partner's user passed a quiz (the quiz module is then completed).",
    placeholders=(*_QUIZ, "next"),
)
QUIZ_FAILED = declare(
    "training.quiz.failed",
    "A partner's user submitted a quiz attempt below its pass mark.",
    placeholders=(*_QUIZ, "attempts_left", "when"),
)


def quiz_url(module: VersionModule, course_id: int) -> str:
    return reverse("training:quiz", args=[course_id, module.pk])


def attempt_event_data(
    attempt: Attempt,
    enrolment: Enrolment,
    *,
    step: NextStep | None = None,
    attempts_left: int | None = None,
    retry_at: Any = None,
) -> dict[str, Any]:
    """The placeholders of a quiz event, with the links its notification goes to."""
    module = attempt.module
    data = event_data(enrolment) | {
        "quiz": module.title,
        "score": f"{attempt.score} %",
        "score_value": attempt.score,
        "attempt": attempt.number,
        "attempt_id": attempt.pk,
        "quiz_url": quiz_url(module, enrolment.course_id),
    }
    if step is not None:
        data |= {"next": step.title, "next_url": step.url}
    if attempts_left is not None or not attempt.passed:
        data["attempts_left"] = _("unlimited") if attempts_left is None else str(attempts_left)
        if attempts_left == 0:
            data["when"] = _("no attempts left")
        elif retry_at is None:
            data["when"] = _("now")
        else:
            # A moment, not "in 10 minutes": the notification is read later than it is written.
            data["when"] = format_moment(retry_at)
    return data
