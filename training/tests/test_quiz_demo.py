"""The demo's quiz (training/demo.py): Sales foundations asks six real questions, and
rep@northwind.test passed it on the second attempt and is still mid-course."""

import os

import pytest
from django.core.management import call_command
from django_scopes import scope

from prm.notifications.models import Notification
from prm.tenancy.models import Membership, Tenant
from training.models import Attempt, Course, Enrolment, VersionModule, VersionQuestion
from training.quizzes.publishing import draft_questions, quiz_problems

pytestmark = pytest.mark.django_db


def test_the_demo_rep_passed_the_sales_foundations_quiz_and_is_mid_course():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme):
        course = Course.objects.get(tenant=acme, title="Sales foundations")
        quiz = VersionModule.objects.get(version=course.current_version, kind="quiz")
        assert (quiz.pass_mark, quiz.attempts_limit, quiz.wait_minutes) == (70, 3, 10)
        kinds = set(VersionQuestion.objects.filter(module=quiz).values_list("kind", flat=True))
        assert kinds == {"single", "multiple", "true_false"}
        assert 5 <= VersionQuestion.objects.filter(module=quiz).count() <= 8
        draft = quiz.source
        assert quiz_problems(draft, draft_questions(draft)) == []
        rep = Membership.objects.get(tenant=acme, user__email="rep@northwind.test")
        enrolment = Enrolment.objects.get(course=course, membership=rep)
        attempts = list(Attempt.objects.filter(enrolment=enrolment).order_by("number"))
        assert [(a.passed, a.score) for a in attempts] == [(False, 66), (True, 100)]
        assert attempts[1].started_at >= attempts[0].submitted_at  # after the wait
        assert enrolment.completed_at is None
        assert enrolment.completed_modules == 3
        great = Notification.objects.get(
            recipient=rep.user, rule="training.quiz.passed.tell_learner"
        )
        assert great.title == (
            "Great job passing Check: registering and qualifying deals — "
            "start The reseller sales playbook"
        )
        playbook = VersionModule.objects.get(version=course.current_version, kind="file")
        assert great.link == f"/learning/courses/{course.pk}/modules/{playbook.pk}/"
