"""The quiz page and its result page in the portal (mounted with the Learning pages).

The quiz is found as the course player finds a module (`training.views`): a course for another
segment, another tenant's or a missing one answers 404, and so does a module that is not a quiz
or another learner's attempt (attempts are looked up among the member's own).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from prm.forms import form_call
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..models import Course, Enrolment, ModuleKind, TrainingSettings, VersionModule
from ..next import next_step
from ..selectors import progress_rows, version_modules
from ..setup import training_settings
from ..views import _enrolled, _module_of
from .forms import QuizForm
from .selectors import paper_of, quiz_state, why_not_start
from .services import AlreadySubmitted, attempt_open, attempt_submit


def _quiz_of(
    request: TenantRequest, pk: int, module_id: int
) -> tuple[Course, Enrolment | None, VersionModule]:
    course, enrolment = _enrolled(request, pk)
    module = _module_of(course, enrolment, module_id)
    if module.kind != ModuleKind.QUIZ:
        raise Http404
    return course, enrolment, module


def _result_url(course: Course, module: VersionModule, number: int) -> str:
    return reverse("training:quiz_result", args=[course.pk, module.pk, number])


@requires("portal.training")
def quiz(request: TenantRequest, pk: int, module_id: int) -> HttpResponse:
    """GET opens the learner's attempt (or resumes the open one: the same paper); POST submits
    every answer at once and shows the result."""
    course, enrolment, module = _quiz_of(request, pk, module_id)
    if enrolment is None:
        messages.info(request, _("Start the course to open its modules."))
        return redirect("training:course", course.pk)
    state = quiz_state(enrolment, module)
    if state.open is None:
        reason = why_not_start(state)
        if reason or request.method == "POST":
            messages.info(request, reason or _("This attempt was submitted already."))
            last = state.passed or state.last
            if last is not None:
                return redirect(_result_url(course, module, last.number))
            return redirect("training:module", course.pk, module.pk)
    if request.method == "POST":
        attempt = state.open
        assert attempt is not None
        attempt.enrolment, attempt.module = enrolment, module  # read already: no query again
        paper = paper_of(attempt)
        form = QuizForm(request.POST, paper=paper)
        if form.is_valid():
            try:
                graded = form_call(
                    form,
                    attempt_submit,
                    actor=request.membership,
                    attempt=attempt,
                    answers=form.answers(),
                )
            except AlreadySubmitted:  # a second tab or a double click: the first grade stands
                graded = attempt
            except PermissionDenied as exc:  # not reachable: the member's own enrolment
                raise Http404 from exc
            if graded is not None:
                return redirect(_result_url(course, module, attempt.number))
    else:
        try:
            attempt = attempt_open(actor=request.membership, enrolment=enrolment, module=module)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("training:module", course.pk, module.pk)
        paper = paper_of(attempt)
        form = QuizForm(paper=paper)
    state = quiz_state(enrolment, module)
    return render(
        request,
        "training/quiz/quiz.html",
        {
            "course": course,
            "enrolment": enrolment,
            "module": module,
            "attempt": attempt,
            "form": form,
            "state": state,
            "row": progress_rows([course], {course.pk: enrolment})[0],
        },
    )


@requires("portal.training")
def result(request: TenantRequest, pk: int, module_id: int, number: int) -> HttpResponse:
    """An attempt's result: the score, right or wrong per question, what to review, the next
    step or another try. The right answers only after passing, if the tenant shows them."""
    course, enrolment, module = _quiz_of(request, pk, module_id)
    if enrolment is None:
        raise Http404
    state = quiz_state(enrolment, module)
    attempt = next((a for a in state.attempts if a.number == number), None)
    if attempt is None:
        raise Http404
    if attempt.submitted_at is None:
        return redirect("training:quiz", course.pk, module.pk)
    settings = training_settings(enrolment.tenant)
    reveal = (
        bool(attempt.passed) and settings.reveal_answers == TrainingSettings.Reveal.AFTER_PASSING
    )
    answers = {int(k): set(v) for k, v in attempt.answers.items()}
    questions = [
        {
            "paper": q,
            "right": answers.get(q.question.pk, set()) == q.right_ids,
            # what the learner chose is shown only beside the right answers (never on a fail)
            "chosen": answers.get(q.question.pk, set()) if reveal else set(),
        }
        for q in paper_of(attempt)
    ]
    modules = version_modules(enrolment.version)
    review = [m for m in modules if m.position < module.position and m.kind != ModuleKind.QUIZ]
    return render(
        request,
        "training/quiz/result.html",
        {
            "course": course,
            "enrolment": enrolment,
            "module": module,
            "attempt": attempt,
            "state": state,
            "questions": questions,
            "right_count": sum(1 for q in questions if q["right"]),
            "reveal": reveal,
            "review": review if not attempt.passed else [],
            "next": next_step(enrolment) if attempt.passed else None,
            "why_not": why_not_start(state) if not attempt.passed else "",
            "latest": attempt == (state.last or attempt),
            "row": progress_rows([course], {course.pk: enrolment})[0],
        },
    )
