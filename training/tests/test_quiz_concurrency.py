"""The last allowed attempt, on real concurrent connections: submitted twice at once it is
graded once, and two "start"s at once open one attempt, never one beyond the limit."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from training.models import Attempt, Enrolment, ModuleCompletion, VersionModule
from training.quizzes.services import attempt_open, attempt_submit

from .quiz_helpers import right_answers

ROUNDS = 4


def _race(world, calls: list[Callable[[], Any]]) -> list[str]:
    """Run every call at once, each in its own thread and database connection."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                result = call()
            outcomes.append(f"ok {getattr(result, 'pk', '')}")
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def _fresh_enrolment(world, rep) -> Enrolment:
    """The rep's quiz enrolment with only the world's failed attempt 1 (a day old), and a
    limit of two attempts: the next one is the last."""
    enrolment = Enrolment.objects.get(course=world.quiz_course, membership=rep)
    Attempt.objects.filter(enrolment=enrolment, number__gt=1).delete()
    Attempt.objects.filter(enrolment=enrolment).update(
        submitted_at=timezone.now() - timedelta(days=1)
    )
    ModuleCompletion.objects.filter(enrolment=enrolment).delete()
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=None, completed_modules=0)
    VersionModule.objects.filter(pk=world.quiz_module.pk).update(attempts_limit=2)
    return Enrolment.objects.get(pk=enrolment.pk)


@pytest.mark.django_db(transaction=True)
def test_the_last_attempt_submitted_twice_at_once_is_graded_once(ours, rep):
    for round_ in range(ROUNDS):
        with scope(tenant=ours.tenant):
            enrolment = _fresh_enrolment(ours, rep)
            module = VersionModule.objects.get(pk=ours.quiz_module.pk)
            attempt = attempt_open(actor=rep, enrolment=enrolment, module=module)
            answers = right_answers(attempt)
            audited = AuditEvent.objects.filter(action="training.quiz.passed").count()
            told = Notification.objects.filter(rule="training.quiz.passed.tell_learner").count()

        def submit(attempt_id: int = attempt.pk, answers: dict = answers) -> Attempt:
            mine = Attempt.objects.select_related("enrolment", "module").get(pk=attempt_id)
            return attempt_submit(actor=rep, attempt=mine, answers=answers)

        outcomes = _race(ours, [submit, submit])
        assert outcomes == [
            "AlreadySubmitted: ['This attempt was submitted already.']",
            f"ok {attempt.pk}",
        ], f"round {round_}"
        with scope(tenant=ours.tenant):
            graded = Attempt.objects.get(pk=attempt.pk)
            assert graded.score == 100
            assert graded.passed
            assert AuditEvent.objects.filter(action="training.quiz.passed").count() == audited + 1
            assert (
                Notification.objects.filter(rule="training.quiz.passed.tell_learner").count()
                == told + 1
            )
            assert ModuleCompletion.objects.filter(enrolment=enrolment, module=module).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_starts_of_the_last_attempt_at_once_open_one(ours, rep):
    for round_ in range(ROUNDS):
        with scope(tenant=ours.tenant):
            enrolment = _fresh_enrolment(ours, rep)

        def start(enrolment_id: int = enrolment.pk) -> Attempt:
            mine = Enrolment.objects.get(pk=enrolment_id)
            module = VersionModule.objects.get(pk=ours.quiz_module.pk)
            return attempt_open(actor=rep, enrolment=mine, module=module)

        outcomes = _race(ours, [start, start, start])
        with scope(tenant=ours.tenant):
            attempts = list(Attempt.objects.filter(enrolment=enrolment).order_by("number"))
        assert [a.number for a in attempts] == [1, 2], f"round {round_}"
        assert outcomes == [f"ok {attempts[1].pk}"] * 3
