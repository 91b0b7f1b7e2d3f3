"""The quiz editor of the course builder, the quiz in the course preview, and the training
settings page: who may do what, and clear messages for a quiz that cannot be asked."""

import pytest
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from training.models import Choice, Course, Module, Question, TrainingSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


@pytest.fixture
def cam_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.CAM])


def editor_url(ours) -> str:
    return f"/admin/training/course/{ours.quiz_course.pk}/quiz/{ours.quiz_module.source_id}/"


def rules(**changes) -> dict[str, str]:
    data = {
        "rules-pass_mark": "70",
        "rules-attempts_limit": "3",
        "rules-wait": "10",
        "rules-wait_unit": "minutes",
        "rules-draw_count": "0",
        "rules-shuffle_questions": "on",
        "rules-shuffle_choices": "on",
    }
    return data | {f"rules-{k}": v for k, v in changes.items()}


def questions(*forms: dict[str, str]) -> dict[str, str]:
    data = {
        "questions-TOTAL_FORMS": str(len(forms)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(forms):
        data.update({f"questions-{i}-{name}": value for name, value in form.items()})
    return data


def existing(ours) -> list[Question]:
    with scope(tenant=ours.tenant):
        return list(
            Question.objects.filter(module_id=ours.quiz_module.source_id).order_by("position")
        )


def test_the_course_builder_links_a_quiz_module_to_its_editor(ours, ops_client):
    page = ops_client.get(f"/admin/training/course/{ours.quiz_course.pk}/change/")
    assert editor_url(ours) in page.content.decode()
    assert "Edit 3 questions" in page.content.decode()
    assert 'id="course-quizzes"' in page.content.decode()
    assert "(3 questions)" in page.content.decode()


def test_ops_edit_reorder_add_and_delete_questions(ours, ops_client):
    single, multiple, true_false = existing(ours)
    data = rules(pass_mark="80", attempts_limit="2", wait="1", wait_unit="hours", draw_count="2")
    data |= questions(
        # the single-choice question goes last and gets a fourth choice, still one right
        {"question_id": str(single.pk), "position": "9", "kind": "single",
         "text": "When do you register?", "choice_1": "Early", "right_1": "on",
         "choice_2": "Late", "choice_3": "Never", "choice_4": "At renewal"},
        {"question_id": str(multiple.pk), "position": "2", "kind": "multiple",
         "text": multiple.text, "delete": "on"},
        {"question_id": str(true_false.pk), "position": "1", "kind": "true_false",
         "text": true_false.text, "right_2": "on"},
        {"position": "5", "kind": "multiple", "text": "Which protect a deal?",
         "choice_1": "Registration", "right_1": "on", "choice_2": "Speed", "right_2": "on",
         "choice_3": "Price", "explanation": "Registrations hold."},
        {"position": "", "kind": "single", "text": ""},  # an empty extra form: left out
    )  # fmt: skip
    response = ops_client.post(editor_url(ours), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    with scope(tenant=ours.tenant):
        module = Module.objects.get(pk=ours.quiz_module.source_id)
        assert (module.pass_mark, module.attempts_limit, module.wait_minutes) == (80, 2, 60)
        assert module.draw_count == 2
        saved = list(Question.objects.filter(module=module).order_by("position"))
        assert [q.text for q in saved] == [
            true_false.text, "Which protect a deal?", "When do you register?",
        ]  # fmt: skip
        assert [(c.text, c.is_correct) for c in saved[0].choices.all()] == [
            ("True", False), ("False", True),
        ]  # fmt: skip
        assert [c.text for c in saved[2].choices.all()] == ["Early", "Late", "Never", "At renewal"]
        assert saved[1].explanation == "Registrations hold."
        assert Course.objects.get(pk=ours.quiz_course.pk).has_changes
        assert AuditEvent.objects.filter(action="training.quiz.edited").exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "single", "choice_1": "A", "right_1": "on", "choice_2": "B", "right_2": "on"},
         "Mark exactly one right answer"),
        ({"kind": "multiple", "choice_1": "A", "choice_2": "B"}, "Mark the right answer"),
        ({"kind": "single", "choice_1": "A", "right_1": "on"}, "Give at least two choices"),
        ({"kind": "true_false", "choice_1": "Yes", "choice_2": "No", "choice_3": "Maybe",
          "right_1": "on"}, "exactly two choices"),
    ],
)  # fmt: skip
def test_a_question_that_cannot_be_asked_is_refused_beside_it(ours, ops_client, form, message):
    before = [(q.pk, q.text) for q in existing(ours)]
    data = rules() | questions({"position": "1", "text": "A new question?", **form})
    response = ops_client.post(editor_url(ours), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="question-1-error"' in html
    assert [(q.pk, q.text) for q in existing(ours)] == before


def test_a_cam_sees_the_quiz_but_may_not_change_it(ours, cam_client):
    page = cam_client.get(editor_url(ours))
    assert page.status_code == 200
    assert 'id="quiz-save"' not in page.content.decode()
    assert cam_client.post(editor_url(ours), rules()).status_code == 403


def test_the_editor_answers_404_for_a_module_that_is_not_a_quiz(ours, ops_client):
    with scope(tenant=ours.tenant):
        text = Module.objects.get(course=ours.quiz_course, kind="text")
    url = f"/admin/training/course/{ours.quiz_course.pk}/quiz/{text.pk}/"
    assert ops_client.get(url).status_code == 404
    other = f"/admin/training/course/{ours.course.pk}/quiz/{ours.quiz_module.source_id}/"
    assert ops_client.get(other).status_code == 404


def test_the_preview_shows_the_quiz_as_learners_see_it_without_the_answers(ours, ops_client):
    html = ops_client.get(f"/admin/training/course/{ours.quiz_course.pk}/preview/").content
    html = html.decode()
    assert "When do you register a deal?" in html
    assert "Before the first proposal" in html
    assert "Each attempt shows 3 questions" in html
    assert "checked" not in html
    assert "is_correct" not in html
    assert "Because of rule" not in html  # explanations come after passing


def test_ops_change_the_training_settings_from_the_course_list(ours, ops_client, cam_client):
    listing = ops_client.get("/admin/training/course/").content.decode()
    assert 'id="training-settings"' in listing
    assert (
        'id="training-settings"' not in cam_client.get("/admin/training/course/").content.decode()
    )
    page = ops_client.get("/admin/training/trainingsettings/", follow=True)
    assert page.status_code == 200
    assert "Show the correct answers" in page.content.decode()
    url = page.redirect_chain[-1][0]
    response = ops_client.post(
        url, {"reveal_answers": "never", "untouched_days": "14"}, follow=True
    )
    assert "The training settings are saved" in response.content.decode()
    with scope(tenant=ours.tenant):
        found = TrainingSettings.objects.get(tenant=ours.tenant)
        assert (found.reveal_answers, found.untouched_days) == ("never", 14)
    assert cam_client.get(url).status_code == 403


def test_choices_are_kept_in_order_with_their_marks(ours):
    with scope(tenant=ours.tenant):
        question = existing(ours)[0]
        assert [c.position for c in Choice.objects.filter(question=question)] == [1, 2, 3]


def test_the_wait_reads_in_hours_when_it_is_whole_hours(ours, ops_client):
    with scope(tenant=ours.tenant):
        Module.objects.filter(pk=ours.quiz_module.source_id).update(wait_minutes=120)
    html = ops_client.get(editor_url(ours)).content.decode()
    assert 'name="rules-wait" value="2"' in html
    assert '<option value="hours" selected>' in html
    response = ops_client.post(editor_url(ours), rules(wait="45", wait_unit="days"))
    assert response.status_code == 200  # an unknown unit is an error beside it, not a 500
    with scope(tenant=ours.tenant):
        assert Module.objects.get(pk=ours.quiz_module.source_id).wait_minutes == 120
