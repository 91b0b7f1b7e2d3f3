"""What publishing a course does for its quiz modules: check each quiz can be taken, and copy
its questions and choices into the version (the copy learners take; see `training.models`)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    Attempt,
    Choice,
    Enrolment,
    Module,
    Question,
    QuestionKind,
    VersionChoice,
    VersionModule,
    VersionQuestion,
)


def draft_questions(module: Module) -> list[Question]:
    """A draft quiz's questions in order, each with its choices (two queries)."""
    return list(
        Question.objects.filter(tenant_id=module.tenant_id, module=module)
        .prefetch_related("choices")
        .order_by("position", "id")
    )


def quiz_problems(module: Module, questions: list[Question] | None = None) -> list[str]:
    """Why a draft quiz module cannot be published as it is (none when it can)."""
    if questions is None:
        questions = draft_questions(module)
    title = module.title
    problems = []
    if not questions:
        problems.append(_("“%(title)s” has no questions.") % {"title": title})
    if not 1 <= module.pass_mark <= 100:
        problems.append(
            _("“%(title)s”: the pass mark must be between 1 and 100 %%.") % {"title": title}
        )
    if questions and module.draw_count > len(questions):
        problems.append(
            ngettext(
                "“%(title)s” draws %(draw)d questions but has only %(n)d.",
                "“%(title)s” draws %(draw)d questions but has only %(n)d.",
                len(questions),
            )
            % {"title": title, "draw": module.draw_count, "n": len(questions)}
        )
    for number, question in enumerate(questions, start=1):
        problem = question_problem(question.kind, list(question.choices.all()))
        if problem:
            problems.append(
                _("“%(title)s”, question %(n)d: %(problem)s")
                % {"title": title, "n": number, "problem": problem}
            )
    return problems


def question_problem(kind: str, choices: list[Choice]) -> str:
    """Why a question with these choices cannot be asked ("" when it can)."""
    right = sum(1 for c in choices if c.is_correct)
    if kind == QuestionKind.TRUE_FALSE and len(choices) != 2:
        return _("a true-or-false question has exactly two choices (True and False).")
    if len(choices) < 2:
        return _("give at least two choices.")
    if right == 0:
        return _("mark the right answer.")
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and right != 1:
        return _("mark exactly one right answer (or make it a question with several).")
    return ""


def quizzes_copy(pairs: list[tuple[Module, VersionModule]]) -> None:
    """Copy the questions and choices of each draft quiz module into its version module."""
    quiz_pairs = [(m, vm) for m, vm in pairs if m.kind == "quiz"]
    if not quiz_pairs:
        return
    tenant_id = quiz_pairs[0][0].tenant_id
    target = {m.pk: vm for m, vm in quiz_pairs}
    questions = list(
        Question.objects.filter(tenant_id=tenant_id, module_id__in=target)
        .prefetch_related("choices")
        .order_by("module_id", "position", "id")
    )
    copies = VersionQuestion.objects.bulk_create(
        VersionQuestion(
            tenant_id=tenant_id,
            module=target[q.module_id],
            source=q,
            kind=q.kind,
            text=q.text,
            position=q.position,
            explanation=q.explanation,
        )
        for q in questions
    )
    VersionChoice.objects.bulk_create(
        VersionChoice(
            tenant_id=tenant_id,
            question=copy,
            text=c.text,
            is_correct=c.is_correct,
            position=c.position,
        )
        for q, copy in zip(questions, copies, strict=True)
        for c in q.choices.all()
    )


def quiz_passed(enrolment: Enrolment, module: VersionModule) -> bool:
    """Whether the learner of `enrolment` passed the quiz `module` (one query)."""
    return Attempt.objects.filter(
        tenant_id=module.tenant_id, enrolment=enrolment, module=module, passed=True
    ).exists()
