"""The quiz page, its result page and a submission cost the same number of queries whatever
the number of questions (the paper is read in two queries; grading in one)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back
from training.models import Attempt, Choice, Question, VersionChoice, VersionQuestion

from .quiz_helpers import form_data, wrong_answers

SMALL, LARGE = 3, 20
pytestmark = pytest.mark.xdist_group("budgets-training-quiz")

BUDGETS = {
    # (a rep's portal pages read whether the tenant shows reps their earnings: +1 on each page)
    # the course and enrolment (4), the module, the attempts, the paper (2), the page's shell
    "quiz": 19,
    # the same, the settings and the version's modules (what to review)
    "result": 17,
    # the paper (2), grading (1), the update, the event's names (4), the audit event, and the
    # "failed" notification with its email (the outbox reads the tenant's domains: 4)
    "submit": 33,
    # the course builder's quiz editor (staff): the course, the module, the questions (2)
    "editor": 11,
    # the course player on the quiz module: its card counts questions and reads the attempts
    "player": 15,
}


def grow(world, start: int, end: int) -> None:
    """More questions in the quiz (single-choice, three choices each) and a submitted attempt
    of the rep over every question (result page)."""
    tenant = world.tenant
    module = world.quiz_module
    draft = module.source
    for i in range(start, end):
        question = Question.objects.create(
            tenant=tenant, module=draft, kind="single", text=f"Grown question {i}", position=10 + i
        )
        copy = VersionQuestion.objects.create(
            tenant=tenant, module=module, source=question, kind="single",
            text=question.text, position=10 + i,
        )  # fmt: skip
        for k in range(3):
            Choice.objects.create(
                tenant=tenant, question=question, text=f"Choice {k}", is_correct=k == 0, position=k
            )
            VersionChoice.objects.create(
                tenant=tenant, question=copy, text=f"Choice {k}", is_correct=k == 0, position=k
            )
    attempt = world.quiz_attempt
    questions = VersionQuestion.objects.filter(module=module).prefetch_related("choices")
    paper = [{"q": q.pk, "c": [c.pk for c in q.choices.all()]} for q in questions]
    Attempt.objects.filter(pk=attempt.pk).update(
        paper=paper,
        answers={str(item["q"]): [item["c"][-1]] for item in paper},
        submitted_at=timezone.now(),
    )


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        rep = clients[Role.PARTNER_REP]
        base = f"/learning/courses/{world.quiz_course.pk}/modules/{world.quiz_module.pk}/quiz/"

        def reset() -> None:
            with scope(tenant=world.tenant):
                Attempt.objects.filter(
                    enrolment=world.quiz_attempt.enrolment, number__gt=1
                ).delete()

        def submit_queries() -> int:
            reset()
            rep.get(base)  # opens the attempt
            with scope(tenant=world.tenant):
                attempt = Attempt.objects.get(
                    enrolment=world.quiz_attempt.enrolment, submitted_at__isnull=True
                )
                data = form_data(attempt, wrong_answers(attempt))
            with CaptureQueriesContext(connection) as ctx:
                response = rep.post(base, data)
            assert response.status_code == 302, response.content[:2000]
            return len(ctx.captured_queries)

        def measure() -> dict:
            def count(key: str) -> int:
                if key == "quiz":
                    reset()
                    return page_queries(rep, base)
                if key == "result":
                    return page_queries(rep, base + "1/")
                if key == "player":
                    return page_queries(rep, base.removesuffix("quiz/"))
                if key == "editor":
                    course, draft = world.quiz_course.pk, world.quiz_module.source_id
                    editor = f"/admin/training/course/{course}/quiz/{draft}/"
                    return page_queries(clients[Role.PARTNER_OPS], editor)
                submit_queries()  # the first one also fills caches (content types)
                return submit_queries()

            return count_all(list(BUDGETS), count)

        with scope(tenant=world.tenant):
            grow(world, 0, SMALL)
        small = measure()
        with scope(tenant=world.tenant):
            grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "budget"), list(BUDGETS.items()))
def test_quiz_pages_cost_the_same_queries_at_two_sizes(counts, key, budget):
    assert_budget(counts[key], budget)
