"""The quiz page and its result page: no correctness in the HTML, errors beside the question,
the right answers only after passing when the tenant shows them, and the course player's card."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from training.models import (
    Attempt,
    Enrolment,
    VersionChoice,
    VersionModule,
    VersionQuestion,
)
from training.setup import training_settings

from .quiz_helpers import form_data, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(ours, rep, host_client):
    return host_client(ours.host, rep)


@pytest.fixture
def enrolment(ours, rep):
    with scope(tenant=ours.tenant):
        found = Enrolment.objects.get(course=ours.quiz_course, membership=rep)
        Attempt.objects.filter(enrolment=found).update(
            submitted_at=timezone.now() - timedelta(days=1)
        )
    return found


def quiz_url(ours) -> str:
    return f"/learning/courses/{ours.quiz_course.pk}/modules/{ours.quiz_module.pk}/quiz/"


def open_attempt(ours, enrolment) -> Attempt:
    with scope(tenant=ours.tenant):
        return Attempt.objects.get(enrolment=enrolment, submitted_at__isnull=True)


TOKENS = re.compile(
    r'(name="(csrfmiddlewaretoken|form_token)" value=")[^"]*|nonce="[^"]*"|"X-CSRFToken": "[^"]*"'
)


def without_tokens(html: str) -> str:
    return TOKENS.sub("", html)


def flip_correctness(ours) -> None:
    """Make every wrong choice right and every right one wrong (as if the author had)."""
    with scope(tenant=ours.tenant):
        for choice in VersionChoice.objects.filter(question__module=ours.quiz_module):
            choice.is_correct = not choice.is_correct
            choice.save()


def test_the_quiz_page_is_the_same_whichever_choice_is_right(ours, rep_client, enrolment):
    before = rep_client.get(quiz_url(ours))
    assert before.status_code == 200
    flip_correctness(ours)
    after = rep_client.get(quiz_url(ours))  # the same open attempt: the same paper
    assert without_tokens(after.content.decode()) == without_tokens(before.content.decode())


def test_the_quiz_page_names_no_correctness_and_no_choice_ids(ours, rep_client, enrolment):
    html = rep_client.get(quiz_url(ours)).content.decode()
    attempt = open_attempt(ours, enrolment)
    with scope(tenant=ours.tenant):
        kinds = set(
            VersionQuestion.objects.filter(module=ours.quiz_module).values_list("kind", flat=True)
        )
        choice_ids = {cid for item in attempt.paper for cid in item["c"]}
    assert kinds == {"single", "multiple", "true_false"}  # every kind is on the page
    assert 'type="radio"' in html
    assert 'type="checkbox"' in html
    lowered = html.lower()
    for word in ("is_correct", "correct", "data-right", "right answer"):
        assert word not in lowered
    # a choice is posted by its place on the paper, never by its id
    values = set(re.findall(r'name="q\d+" value="([^"]+)"', html))
    assert values <= {"1", "2", "3"}
    assert not {str(cid) for cid in choice_ids} & set(re.findall(r'id="([^"]+)"', html))


def test_answering_nothing_is_an_error_beside_each_question(ours, rep_client, enrolment):
    rep_client.get(quiz_url(ours))
    response = rep_client.post(quiz_url(ours), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Answer this question.") == 3
    assert 'id="q1-error"' in html
    assert open_attempt(ours, enrolment).submitted_at is None


def test_a_choice_not_on_the_paper_is_an_error_not_a_500(ours, rep_client, enrolment):
    rep_client.get(quiz_url(ours))
    attempt = open_attempt(ours, enrolment)
    with scope(tenant=ours.tenant):
        data = form_data(attempt, right_answers(attempt))
    data["q1"] = ["99"]
    data["q2"] = ["1", "x"]
    response = rep_client.post(quiz_url(ours), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of this question&#x27;s answers." in html
    assert open_attempt(ours, enrolment).submitted_at is None


def test_a_failed_result_shows_right_or_wrong_and_what_to_review_but_no_answers(
    ours, rep_client, enrolment
):
    rep_client.get(quiz_url(ours))
    attempt = open_attempt(ours, enrolment)
    with scope(tenant=ours.tenant):
        data = form_data(attempt, wrong_answers(attempt))
        choices = list(VersionChoice.objects.filter(question__module=ours.quiz_module))
        questions = [c.question.text for c in choices]
    response = rep_client.post(quiz_url(ours), data, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/quiz/{attempt.number}/")
    assert "0 %" in html
    assert "Not passed yet" in html
    assert html.count("Wrong") == 3
    assert "What to review" in html
    assert "Before the quiz" in html
    assert "Try again" in html
    for question in questions:
        html = html.replace(question, "")
    for choice in choices:  # neither the right nor the chosen answers are named
        assert choice.text not in html
    assert "Because of rule" not in html


@pytest.mark.parametrize("reveal", [True, False])
def test_a_passed_result_shows_the_answers_only_if_the_tenant_reveals_them(
    ours, rep_client, enrolment, reveal
):
    with scope(tenant=ours.tenant):
        settings = training_settings(ours.tenant)
        settings.reveal_answers = "after_passing" if reveal else "never"
        settings.save()
    rep_client.get(quiz_url(ours))
    attempt = open_attempt(ours, enrolment)
    with scope(tenant=ours.tenant):
        data = form_data(attempt, right_answers(attempt))
    html = rep_client.post(quiz_url(ours), data, follow=True).content.decode()
    assert "100 %" in html
    assert "Passed" in html
    assert ("Before the first proposal" in html) is reveal
    assert ("Because of rule 1." in html) is reveal
    assert ("Right answer" in html) is reveal
    assert "What to review" not in html
    assert "Next: Before the quiz" in html  # the module the learner skipped


def test_the_player_offers_the_quiz_not_mark_complete(ours, rep_client, enrolment):
    url = f"/learning/courses/{ours.quiz_course.pk}/modules/{ours.quiz_module.pk}/"
    html = rep_client.get(url).content.decode()
    assert "Try again" in html
    assert 'id="module-complete"' not in html
    assert "No limit on attempts" in html
    response = rep_client.post(url + "complete/")
    assert response.status_code == 302
    assert response["Location"].endswith("/quiz/")


def test_the_player_shows_attempts_left_and_the_wait(ours, rep_client, enrolment):
    with scope(tenant=ours.tenant):
        VersionModule.objects.filter(pk=ours.quiz_module.pk).update(attempts_limit=3)
    url = f"/learning/courses/{ours.quiz_course.pk}/modules/{ours.quiz_module.pk}/"
    assert "2 attempts left" in rep_client.get(url).content.decode()
    with scope(tenant=ours.tenant):
        VersionModule.objects.filter(pk=ours.quiz_module.pk).update(wait_minutes=30)
        Attempt.objects.filter(enrolment=enrolment).update(submitted_at=timezone.now())
    html = rep_client.get(url).content.decode()
    assert "You can try again at" in html
    # opening the quiz during the wait leads to the last result, with the reason
    response = rep_client.get(quiz_url(ours), follow=True)
    assert response.redirect_chain[-1][0].endswith("/quiz/1/")
    assert "You can try again at" in response.content.decode()


def test_another_members_attempt_number_answers_404(ours, rep_client, enrolment):
    assert rep_client.get(quiz_url(ours) + "2/").status_code == 404
    other = f"/learning/courses/{ours.course.pk}/modules/{ours.course_modules['text'].pk}/quiz/"
    assert rep_client.get(other).status_code == 404  # not a quiz module
