"""Reads of quizzes: where a learner stands with a quiz, and an attempt's paper."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.dates import format_moment

from ..models import Attempt, Enrolment, VersionChoice, VersionModule, VersionQuestion


@dataclass(frozen=True)
class QuizState:
    """A learner's attempts at one quiz, and what they may do next."""

    module: VersionModule
    attempts: list[Attempt]

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @property
    def open(self) -> Attempt | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def passed(self) -> Attempt | None:
        return next((a for a in self.attempts if a.passed), None)

    @property
    def last(self) -> Attempt | None:
        submitted = self.submitted
        return submitted[-1] if submitted else None

    @property
    def left(self) -> int | None:
        """Attempts not submitted yet (an open one included); None without a limit."""
        if not self.module.attempts_limit:
            return None
        return max(0, self.module.attempts_limit - len(self.submitted))

    @property
    def retry_at(self) -> datetime | None:
        """When a new attempt may start after the last failed one (None: no wait)."""
        last = self.last
        if last is None or last.passed or not self.module.wait_minutes:
            return None
        assert last.submitted_at is not None
        return last.submitted_at + timedelta(minutes=self.module.wait_minutes)

    def waiting(self, now: datetime | None = None) -> bool:
        retry_at = self.retry_at
        return retry_at is not None and retry_at > (now or timezone.now())

    def may_start(self, now: datetime | None = None) -> bool:
        """A new attempt may start now (none open, not passed, attempts left, no wait)."""
        return (
            self.open is None and self.passed is None and self.left != 0 and not self.waiting(now)
        )


def why_not_start(state: QuizState) -> str:
    """Why the learner cannot start a new attempt now ("" when they can)."""
    if state.passed is not None:
        return _("You passed this quiz.")
    if state.left == 0:
        return ngettext(
            "You have used your %(n)d attempt at this quiz. Ask your account manager for help.",
            "You have used all %(n)d attempts at this quiz. Ask your account manager for help.",
            state.module.attempts_limit,
        ) % {"n": state.module.attempts_limit}
    retry_at = state.retry_at
    if retry_at is not None and state.waiting():
        return retry_message(retry_at)
    return ""


def retry_message(retry_at: datetime) -> str:
    return _("You can try again at %(when)s (in %(wait)s).") % {
        "when": format_moment(retry_at),
        "wait": timeuntil(retry_at, timezone.now()),
    }


def quiz_state(enrolment: Enrolment, module: VersionModule) -> QuizState:
    """The learner's attempts at `module`, oldest first (one query)."""
    attempts = list(
        Attempt.objects.filter(
            tenant_id=enrolment.tenant_id, enrolment=enrolment, module=module
        ).order_by("number")
    )
    return QuizState(module=module, attempts=attempts)


def quiz_states(enrolment: Enrolment, modules: list[VersionModule]) -> dict[int, QuizState]:
    """`quiz_state` of each quiz among `modules`, in one query (the course player)."""
    quizzes = {m.pk: m for m in modules if m.kind == "quiz"}
    if not quizzes:
        return {}
    by_module: dict[int, list[Attempt]] = {pk: [] for pk in quizzes}
    for attempt in Attempt.objects.filter(
        tenant_id=enrolment.tenant_id, enrolment=enrolment, module_id__in=quizzes
    ).order_by("number"):
        by_module[attempt.module_id].append(attempt)
    return {pk: QuizState(module=quizzes[pk], attempts=by_module[pk]) for pk in quizzes}


@dataclass
class PaperQuestion:
    """A question as an attempt shows it: its number on the paper, its choices in the order
    shown."""

    number: int
    question: VersionQuestion
    choices: list[VersionChoice] = field(default_factory=list)

    @property
    def multiple(self) -> bool:
        return self.question.kind == "multiple"

    @property
    def right_ids(self) -> set[int]:
        return {c.pk for c in self.choices if c.is_correct}


def paper_of(attempt: Attempt) -> list[PaperQuestion]:
    """The attempt's questions in the order drawn, each with its choices in the order drawn
    (two queries, whatever the number of questions)."""
    ids = [int(item["q"]) for item in attempt.paper]
    questions = {
        q.pk: q
        for q in VersionQuestion.objects.filter(
            tenant_id=attempt.tenant_id, module_id=attempt.module_id, pk__in=ids
        ).prefetch_related("choices")
    }
    paper = []
    for number, item in enumerate(attempt.paper, start=1):
        question = questions.get(int(item["q"]))
        if question is None:  # cannot happen: a version's questions are never deleted
            continue
        choices = {c.pk: c for c in question.choices.all()}
        paper.append(
            PaperQuestion(
                number=number,
                question=question,
                choices=[choices[int(c)] for c in item["c"] if int(c) in choices],
            )
        )
    return paper


@dataclass(frozen=True)
class QuizCard:
    """A quiz module in the course player: how many questions, and where the learner stands."""

    state: QuizState
    questions: int
    #: why a new attempt cannot start now ("" when it can, or one is open)
    why_not: str


def quiz_card(enrolment: Enrolment, module: VersionModule) -> QuizCard:
    """The course player's card for a quiz module (two queries)."""
    state = quiz_state(enrolment, module)
    pool = VersionQuestion.objects.filter(tenant_id=module.tenant_id, module=module).count()
    drawn = min(module.draw_count, pool) if module.draw_count else pool
    return QuizCard(
        state=state, questions=drawn, why_not="" if state.open else why_not_start(state)
    )
