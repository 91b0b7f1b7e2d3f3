"""Publishing quizzes, opening and submitting attempts: limits, waits, passing, versions, and
the notifications that lead to the next step."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from prm.audit.models import AuditEvent
from prm.dates import format_moment
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from training.models import (
    Attempt,
    Choice,
    Enrolment,
    Module,
    ModuleCompletion,
    Question,
    VersionChoice,
    VersionModule,
    VersionQuestion,
)
from training.quizzes.selectors import paper_of
from training.quizzes.services import AlreadySubmitted, attempt_open, attempt_submit
from training.services import course_publish, course_start, module_complete

from .quiz_helpers import right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(in_ours):
    return in_ours.quiz_module


@pytest.fixture
def enrolment(in_ours, rep):
    """The rep's enrolment in the quiz course, their failed attempt 1 a day old."""
    found = Enrolment.objects.get(course=in_ours.quiz_course, membership=rep)
    Attempt.objects.filter(enrolment=found).update(submitted_at=timezone.now() - timedelta(days=1))
    return found


def plain(text: str) -> str:
    """Dates and durations use narrow and non-breaking spaces: compare with plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def set_rules(module: VersionModule, **rules) -> VersionModule:
    VersionModule.objects.filter(pk=module.pk).update(**rules)
    module.refresh_from_db()
    return module


def test_publish_copies_the_quiz_rules_questions_and_choices(in_ours, ops):
    draft = Module.objects.get(course=in_ours.quiz_course, kind="quiz")
    Module.objects.filter(pk=draft.pk).update(
        pass_mark=80, attempts_limit=2, wait_minutes=15, draw_count=2, shuffle_choices=False
    )
    version = course_publish(actor=ops, course=in_ours.quiz_course)
    copy = VersionModule.objects.get(version=version, kind="quiz")
    assert (copy.pass_mark, copy.attempts_limit, copy.wait_minutes, copy.draw_count) == (
        80, 2, 15, 2,
    )  # fmt: skip
    assert copy.shuffle_choices is False
    questions = list(VersionQuestion.objects.filter(module=copy).order_by("position"))
    assert [q.text for q in questions] == list(
        Question.objects.filter(module=draft).order_by("position").values_list("text", flat=True)
    )
    assert (
        VersionChoice.objects.filter(question__module=copy).count()
        == Choice.objects.filter(question__module=draft).count()
    )
    right = VersionChoice.objects.filter(question__module=copy, is_correct=True)
    assert {c.text for c in right} == {
        "Before the first proposal", "A registration", "Being first", "False",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no_right", "mark the right answer"),
        ("two_right_single", "mark exactly one right answer"),
        ("three_true_false", "exactly two choices"),
        ("draw_too_many", "draws 9 questions but has only 3"),
        ("no_questions", "has no questions"),
        ("pass_mark_zero", "pass mark must be between 1 and 100"),
    ],
)
def test_publish_refuses_a_quiz_that_cannot_be_taken(in_ours, ops, change, message):
    draft = Module.objects.get(course=in_ours.quiz_course, kind="quiz")
    questions = {q.kind: q for q in Question.objects.filter(module=draft)}
    if change == "no_right":
        Choice.objects.filter(question=questions["single"]).update(is_correct=False)
    elif change == "two_right_single":
        Choice.objects.filter(question=questions["single"]).update(is_correct=True)
    elif change == "three_true_false":
        Choice.objects.create(tenant=in_ours.tenant, question=questions["true_false"], text="?")
    elif change == "draw_too_many":
        Module.objects.filter(pk=draft.pk).update(draw_count=9)
    elif change == "no_questions":
        Question.objects.filter(module=draft).delete()
    elif change == "pass_mark_zero":
        Module.objects.filter(pk=draft.pk).update(pass_mark=0)
    with pytest.raises(ValidationError) as refused:
        course_publish(actor=ops, course=in_ours.quiz_course)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert in_ours.quiz_course.versions.count() == 1


def test_opening_the_quiz_twice_resumes_the_same_paper(enrolment, quiz, rep):
    first = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    again = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    assert again.pk == first.pk
    assert again.paper == first.paper
    assert first.number == 2  # the world's rep failed attempt 1
    assert {item["q"] for item in first.paper} == set(
        VersionQuestion.objects.filter(module=quiz).values_list("pk", flat=True)
    )


def test_a_pool_draws_its_number_of_questions(enrolment, quiz, rep):
    set_rules(quiz, draw_count=2)
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    assert len(attempt.paper) == 2
    attempt = attempt_submit(actor=rep, attempt=attempt, answers=right_answers(attempt))
    assert attempt.score == 100  # only the drawn questions count


def test_the_attempts_limit_holds(enrolment, quiz, rep):
    set_rules(quiz, attempts_limit=2)
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt = attempt_submit(actor=rep, attempt=attempt, answers=wrong_answers(attempt))
    assert attempt.passed is False
    assert attempt.score == 0
    with pytest.raises(ValidationError, match="You have used all 2 attempts"):
        attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    assert Attempt.objects.filter(enrolment=enrolment).count() == 2


def test_the_wait_between_attempts_holds_and_says_when(enrolment, quiz, rep):
    set_rules(quiz, wait_minutes=10)
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt_submit(actor=rep, attempt=attempt, answers=wrong_answers(attempt))
    with pytest.raises(ValidationError) as refused:
        attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    message = plain(refused.value.messages[0])
    assert message.startswith("You can try again at ")
    assert message.endswith(("(in 9 minutes).", "(in 10 minutes)."))
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=11)
    )
    assert attempt_open(actor=rep, enrolment=enrolment, module=quiz).number == 3


def test_a_quiz_module_is_completed_only_by_passing(enrolment, quiz, rep):
    with pytest.raises(ValidationError, match="Pass the quiz"):
        module_complete(actor=rep, enrolment=enrolment, module=quiz)
    assert not ModuleCompletion.objects.filter(enrolment=enrolment, module=quiz).exists()


def test_passing_the_last_module_passes_the_course_and_tells_the_learner(
    in_ours, enrolment, quiz, rep
):
    text = VersionModule.objects.get(version=quiz.version, kind="text")
    module_complete(actor=rep, enrolment=enrolment, module=text)
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt = attempt_submit(actor=rep, attempt=attempt, answers=right_answers(attempt))
    assert attempt.passed
    assert attempt.score == 100
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    actions = list(
        AuditEvent.objects.filter(tenant=in_ours.tenant, action__startswith="training.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "training.module.completed", "training.course.passed", "training.quiz.passed",
    ]  # fmt: skip
    told = {n.rule: n for n in Notification.objects.filter(recipient=rep.user)}
    great = told["training.quiz.passed.tell_learner"]
    assert great.title == (
        "Great job passing Check your knowledge — start your next course from the Learning page"
    )
    assert great.link == reverse("training:learning")
    assert told["training.course.passed.tell_learner"].title == f"You passed {in_ours.quiz_course}"


def test_the_great_job_notification_links_to_exactly_the_next_module(in_ours, enrolment, quiz, rep):
    after = VersionModule.objects.create(
        tenant=in_ours.tenant, version=quiz.version, position=3, title="Objection handling",
        kind="text", body_html="<p>Listen first.</p>",
    )  # fmt: skip
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt_submit(actor=rep, attempt=attempt, answers=right_answers(attempt))
    great = Notification.objects.get(recipient=rep.user, rule="training.quiz.passed.tell_learner")
    assert great.title == "Great job passing Check your knowledge — start Objection handling"
    assert great.link == reverse("training:module", args=[in_ours.quiz_course.pk, after.pk])


def test_a_failed_attempt_tells_attempts_left_and_when(in_ours, enrolment, quiz, rep):
    set_rules(quiz, attempts_limit=3, wait_minutes=60)
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt_submit(actor=rep, attempt=attempt, answers=wrong_answers(attempt))
    failed = Notification.objects.get(recipient=rep.user, rule="training.quiz.failed.tell_learner")
    title = plain(failed.title)
    assert title.startswith("Check your knowledge: 0 % — 1 attempts left, next try ")
    retry_at = Attempt.objects.get(pk=attempt.pk).submitted_at + timedelta(minutes=60)
    assert title.endswith(plain(format_moment(retry_at)))  # a moment, never "in 1 hour"
    assert "(in " not in title
    assert failed.link == reverse("training:quiz", args=[in_ours.quiz_course.pk, quiz.pk])
    event = AuditEvent.objects.filter(action="training.quiz.failed").latest("id")
    assert event.after["score"] == 0


def test_an_attempt_is_graded_once(enrolment, quiz, rep):
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt_submit(actor=rep, attempt=attempt, answers=wrong_answers(attempt))
    with pytest.raises(AlreadySubmitted):
        attempt_submit(actor=rep, attempt=attempt, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert attempt.passed is False


def test_answers_must_be_choices_of_their_own_question(enrolment, quiz, rep):
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    answers = right_answers(attempt)
    first, second = list(answers)[:2]
    answers[first] = list(answers[second])  # another question's choices
    with pytest.raises(ValidationError, match="choose among its answers"):
        attempt_submit(actor=rep, attempt=attempt, answers=answers)
    answers = right_answers(attempt)
    answers[first] = []
    with pytest.raises(ValidationError, match="Answer question"):
        attempt_submit(actor=rep, attempt=attempt, answers=answers)


def test_only_the_learner_opens_their_quiz(in_ours, enrolment, quiz):
    other = in_ours.members[Role.PARTNER_ADMIN]
    with pytest.raises(PermissionDenied):
        attempt_open(actor=other, enrolment=enrolment, module=quiz)


def test_republishing_an_edited_quiz_never_changes_a_submitted_grade(in_ours, ops, enrolment, rep):
    quiz = in_ours.quiz_module
    attempt = attempt_open(actor=rep, enrolment=enrolment, module=quiz)
    attempt = attempt_submit(actor=rep, attempt=attempt, answers=right_answers(attempt))
    # the author now marks every other choice right, and publishes
    draft = Module.objects.get(course=in_ours.quiz_course, kind="quiz")
    for question in Question.objects.filter(module=draft):
        for choice in question.choices.all():
            choice.is_correct = not choice.is_correct
            choice.save()
        if question.kind != "multiple":
            question.kind = "multiple"
            question.save()
    version = course_publish(actor=ops, course=in_ours.quiz_course)
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert attempt.passed
    assert attempt.module.version_id == enrolment.version_id != version.pk
    # the result page grades the paper against the version it was taken on
    assert all(set(attempt.answers[str(q.question.pk)]) == q.right_ids for q in paper_of(attempt))
    # a learner starting now takes version 2
    admin = in_ours.members[Role.PARTNER_ADMIN]
    Enrolment.objects.filter(course=in_ours.quiz_course, membership=admin).delete()
    in_ours.quiz_course.refresh_from_db()
    assert course_start(actor=admin, course=in_ours.quiz_course).version_id == version.pk
