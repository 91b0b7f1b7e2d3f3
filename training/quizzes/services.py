"""Taking a quiz.

- `attempt_open`: the learner opens a quiz module: their open attempt, or a new one with its
  paper drawn and shuffled now (so a reload shows the same paper), if the attempts limit and the
  wait allow it. The enrolment's row is locked while deciding, so two "start"s at once make one
  attempt, and never one beyond the limit.
- `attempt_submit`: the learner's answers graded on the server (`grading.grade`) and written
  with one `UPDATE ... WHERE submitted_at IS NULL`: the same attempt submitted twice at once is
  graded once. Passing completes the quiz module through `module_complete` (progress,
  `training.module.completed`, and with the last module `training.course.passed`).

Both are audited and emitted with `log_action` (`training.quiz.passed` / `.failed`).
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.notifications.log import log_action
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from ..models import (
    Attempt,
    Enrolment,
    ModuleKind,
    QuestionKind,
    VersionChoice,
    VersionModule,
    VersionQuestion,
)
from ..next import next_step
from ..services import module_complete
from . import events
from .grading import draw, grade
from .selectors import quiz_state, why_not_start


class AlreadySubmitted(ValidationError):
    """The attempt was submitted (and graded) already: by another request at the same moment,
    or by a form sent twice."""


def _check_learner(actor: Membership, enrolment: Enrolment, module: VersionModule) -> None:
    if enrolment.membership_id != actor.pk or enrolment.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("This is not your course."))
    if module.version_id != enrolment.version_id or module.kind != ModuleKind.QUIZ:
        raise ValidationError(_("This quiz is not part of the course you take."))


def attempt_open(*, actor: Membership, enrolment: Enrolment, module: VersionModule) -> Attempt:
    """The learner's open attempt at the quiz `module`, or a new one (numbered after the last)
    with its paper drawn: `draw_count` of the version's questions (all if 0), shuffled as the
    quiz says.

    Raises `PermissionDenied` for anyone but the enrolment's member, and `ValidationError` with
    the reason when no attempt may start: the quiz is passed, no attempts are left, or the wait
    after a failed attempt is not over ("You can try again at …").
    """
    _check_learner(actor, enrolment, module)
    with transaction.atomic():
        lock_row(enrolment)  # one decision at a time per learner: the limit holds under races
        state = quiz_state(enrolment, module)
        if state.open is not None:
            return state.open
        reason = why_not_start(state)
        if reason:
            raise ValidationError(reason)
        questions = list(
            VersionQuestion.objects.filter(tenant_id=module.tenant_id, module=module)
            .prefetch_related("choices")
            .order_by("position", "id")
        )
        paper = draw(
            [(q.pk, [c.pk for c in q.choices.all()]) for q in questions],
            count=module.draw_count,
            shuffle_questions=module.shuffle_questions,
            shuffle_choices=module.shuffle_choices,
            # "True" then "False" reads better than a shuffle that hides nothing
            keep_order={q.pk for q in questions if q.kind == QuestionKind.TRUE_FALSE},
        )
        return Attempt.objects.create(
            tenant_id=enrolment.tenant_id,
            enrolment=enrolment,
            module=module,
            number=len(state.attempts) + 1,
            started_at=timezone.now(),
            paper=paper,
        )


def _checked_answers(
    attempt: Attempt, answers: Mapping[int, Sequence[int]]
) -> dict[int, list[int]]:
    """The answers, each question of the paper answered with choices of its own."""
    errors = []
    clean: dict[int, list[int]] = {}
    for number, item in enumerate(attempt.paper, start=1):
        qid, offered = int(item["q"]), {int(c) for c in item["c"]}
        chosen = [int(c) for c in answers.get(qid, ())]
        if not chosen:
            errors.append(_("Answer question %(n)d.") % {"n": number})
        elif not set(chosen) <= offered:
            errors.append(_("Question %(n)d: choose among its answers.") % {"n": number})
        clean[qid] = sorted(set(chosen))
    if errors:
        raise ValidationError(errors)
    return clean


def attempt_submit(
    *, actor: Membership, attempt: Attempt, answers: Mapping[int, Sequence[int]]
) -> Attempt:
    """Grade and record the learner's answers (question id -> chosen choice ids) to their open
    attempt. Every drawn question must be answered with its own choices.

    Passing (score ≥ the quiz's pass mark) completes the quiz module through `module_complete`.
    Raises `PermissionDenied` for anyone but the learner, `ValidationError` for missing or
    foreign answers, and `AlreadySubmitted` when the attempt was submitted already (its first
    grade stands). Audited and emitted as `training.quiz.passed` or `training.quiz.failed`.
    """
    enrolment = attempt.enrolment
    module = attempt.module
    _check_learner(actor, enrolment, module)
    clean = _checked_answers(attempt, answers)
    qids = list(clean)
    right: dict[int, set[int]] = {qid: set() for qid in qids}
    for qid, cid in VersionChoice.objects.filter(
        tenant_id=attempt.tenant_id, question_id__in=qids, is_correct=True
    ).values_list("question_id", "id"):
        right[qid].add(cid)
    result = grade(right, clean)
    passed = result.passes(module.pass_mark)
    changes = {
        "submitted_at": timezone.now(),
        "answers": {str(qid): ids for qid, ids in clean.items()},
        "score": result.score,
        "passed": passed,
        "pass_mark": module.pass_mark,
    }
    with transaction.atomic():
        # Graded once: of two submissions at once, the second finds submitted_at set (its
        # UPDATE waits for the first one's row lock, then matches nothing).
        graded = Attempt.objects.filter(
            pk=attempt.pk, tenant_id=attempt.tenant_id, submitted_at__isnull=True
        ).update(**changes)
        if not graded:
            raise AlreadySubmitted(_("This attempt was submitted already."))
        for name, value in changes.items():
            setattr(attempt, name, value)
        if passed:
            enrolment = module_complete(actor=actor, enrolment=enrolment, module=module)
            data = events.attempt_event_data(attempt, enrolment, step=next_step(enrolment))
            event = events.QUIZ_PASSED
        else:
            state = quiz_state(enrolment, module)
            data = events.attempt_event_data(
                attempt, enrolment, attempts_left=state.left, retry_at=state.retry_at
            )
            event = events.QUIZ_FAILED
        log_action(
            event=event,
            tenant=enrolment.tenant,
            actor=actor.user,
            obj=enrolment.course,
            subject=attempt,
            data=data,
            after={"quiz": module.title, "attempt": attempt.number, "score": result.score},
        )
    return attempt
