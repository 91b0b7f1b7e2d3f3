"""Editing a draft quiz in the course builder: its rules and its questions with their choices,
saved together by `quiz_save` (the course is then marked as changed since its publication).

A question's choices are edited in place, in slots (`CHOICE_SLOTS` of them): a slot's text and
whether it is right. Learners never see the draft: publishing copies it into the version.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.audit.services import audit_record
from prm.forms import Form, ModelForm
from prm.tenancy.models import Membership

from ..models import Choice, Course, Module, ModuleKind, Question, QuestionKind
from .publishing import draft_questions, question_problem

#: how many choices a question may have in the editor
CHOICE_SLOTS = 6


class QuizRulesForm(ModelForm):
    """A quiz's pass mark, attempts, wait (in minutes or hours), shuffling and pool."""

    wait = forms.IntegerField(
        label=gettext_lazy("Wait between attempts"),
        min_value=0,
        max_value=60 * 24 * 30,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "vSmallField"}),
        help_text=gettext_lazy("After a failed attempt, before the next one; 0 for no wait."),
    )
    wait_unit = forms.ChoiceField(
        label=gettext_lazy("Wait unit"),
        choices=[("minutes", gettext_lazy("minutes")), ("hours", gettext_lazy("hours"))],
        initial="minutes",
    )

    #: the fields `quiz_save` takes, in the editor's order
    RULES = (
        "pass_mark",
        "attempts_limit",
        "wait_minutes",
        "draw_count",
        "shuffle_questions",
        "shuffle_choices",
    )

    class Meta:
        model = Module
        fields = [
            "pass_mark",
            "attempts_limit",
            "draw_count",
            "shuffle_questions",
            "shuffle_choices",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"class": "vSmallField"})
            for name in ("pass_mark", "attempts_limit", "draw_count")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minutes = self.instance.wait_minutes or 0
        # a whole number of hours reads as hours ("2 hours", not "120 minutes")
        if minutes and minutes % 60 == 0:
            self.initial.update(wait=minutes // 60, wait_unit="hours")
        else:
            self.initial.update(wait=minutes, wait_unit="minutes")
        self.order_fields(["pass_mark", "attempts_limit", "wait", "wait_unit", "draw_count"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wait = data.get("wait")
        if wait is not None:
            minutes = wait * 60 if data.get("wait_unit") == "hours" else wait
            if minutes > 60 * 24 * 30:
                self.add_error("wait", _("Wait at most 30 days."))
            data["wait_minutes"] = minutes
        return data

    def rules(self) -> dict[str, Any]:
        """The rules for `quiz_save` (after `is_valid()`)."""
        return {name: self.cleaned_data[name] for name in self.RULES}


class QuestionForm(Form):
    """One question with its choices in slots; an empty form (no text) is left out."""

    question_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    position = forms.IntegerField(
        label=gettext_lazy("Position"),
        min_value=0,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"class": "vSmallField"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("Shown with the right answer once the learner passes."),
    )
    delete = forms.BooleanField(label=gettext_lazy("Delete"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, CHOICE_SLOTS + 1):
            self.fields[f"choice_{slot}"] = forms.CharField(
                label=_("Choice %(n)d") % {"n": slot},
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs={"class": "vTextField"}),
            )
            self.fields[f"right_{slot}"] = forms.BooleanField(
                label=_("Choice %(n)d is right") % {"n": slot}, required=False
            )

    def slots(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"choice_{n}"], self[f"right_{n}"]) for n in range(1, CHOICE_SLOTS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delete") or not (data.get("text") or "").strip():
            return data
        choices = [
            ((data.get(f"choice_{n}") or "").strip(), bool(data.get(f"right_{n}")))
            for n in range(1, CHOICE_SLOTS + 1)
        ]
        choices = [(text, right) for text, right in choices if text]
        if data.get("kind") == QuestionKind.TRUE_FALSE and not choices:
            # a true-or-false question needs no typing: True and False, the right one ticked
            choices = [
                (_("True"), bool(data.get("right_1"))),
                (_("False"), bool(data.get("right_2"))),
            ]
        problem = question_problem(
            str(data.get("kind")), [Choice(text=t, is_correct=r) for t, r in choices]
        )
        if problem:
            raise ValidationError(problem[:1].upper() + problem[1:])
        data["choices"] = choices
        return data


QuestionFormSet = formset_factory(QuestionForm, extra=2)


@dataclass
class QuestionDraft:
    """A question as the editor sends it to `quiz_save`."""

    question_id: int | None
    position: int
    kind: str
    text: str
    explanation: str
    choices: list[tuple[str, bool]] = field(default_factory=list)
    delete: bool = False


def initial_questions(module: Module) -> list[dict[str, Any]]:
    """The editor's forms for the module's questions (two queries)."""
    rows = []
    for question in draft_questions(module):
        row: dict[str, Any] = {
            "question_id": question.pk,
            "position": question.position,
            "kind": question.kind,
            "text": question.text,
            "explanation": question.explanation,
        }
        for n, choice in enumerate(question.choices.all()[:CHOICE_SLOTS], start=1):
            row[f"choice_{n}"] = choice.text
            row[f"right_{n}"] = choice.is_correct
        rows.append(row)
    return rows


def drafts_of(formset: BaseFormSet) -> list[QuestionDraft]:
    """The formset's questions (after `is_valid()`), empty forms left out."""
    drafts = []
    for index, form in enumerate(formset.forms, start=1):
        data = form.cleaned_data
        text = (data.get("text") or "").strip()
        if not text and not data.get("question_id"):
            continue
        drafts.append(
            QuestionDraft(
                question_id=data.get("question_id"),
                position=data["position"] if data.get("position") is not None else index,
                kind=data["kind"],
                text=text,
                explanation=(data.get("explanation") or "").strip(),
                choices=data.get("choices", []),
                delete=bool(data.get("delete")) or not text,
            )
        )
    return drafts


def quiz_save(
    *, actor: Membership, module: Module, rules: dict[str, Any], questions: list[QuestionDraft]
) -> Module:
    """Save a draft quiz: its rules, its questions (added, changed, reordered or deleted) and
    each question's choices (replaced by the ones given, in their order).

    Raises `PermissionDenied` without `training.manage` or for another tenant's module, and
    `ValidationError` for a module that is not a quiz, a question of another module, or a
    question whose choices cannot be asked (`question_problem`). Publishing is what learners
    see; the course is marked as changed.
    """
    if not actor.can("training.manage") or module.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("You may not change courses."))
    if module.kind != ModuleKind.QUIZ:
        raise ValidationError(_("This module is not a quiz."))
    with transaction.atomic():
        existing = {
            q.pk: q for q in Question.objects.filter(tenant_id=module.tenant_id, module=module)
        }
        for name, value in rules.items():
            setattr(module, name, value)
        module.save(update_fields=[*rules])
        for draft in questions:
            question = existing.get(draft.question_id) if draft.question_id else None
            if draft.question_id and question is None:
                raise ValidationError(_("A question of another quiz was sent; reload the page."))
            if draft.delete:
                if question is not None:
                    question.delete()
                continue
            problem = question_problem(
                draft.kind, [Choice(text=t, is_correct=r) for t, r in draft.choices]
            )
            if problem:
                raise ValidationError(problem)
            if question is None:
                question = Question(tenant_id=module.tenant_id, module=module)
            question.kind, question.text = draft.kind, draft.text
            question.explanation, question.position = draft.explanation, draft.position
            question.save()
            Choice.objects.filter(tenant_id=module.tenant_id, question=question).delete()
            Choice.objects.bulk_create(
                Choice(
                    tenant_id=module.tenant_id,
                    question=question,
                    text=text,
                    is_correct=right,
                    position=position,
                )
                for position, (text, right) in enumerate(draft.choices, start=1)
            )
        Course.objects.filter(pk=module.course_id, tenant_id=module.tenant_id).update(
            has_changes=True
        )
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="training.quiz.edited",
            obj=module.course,
            after={
                "quiz": module.title,
                "questions": Question.objects.filter(
                    tenant_id=module.tenant_id, module=module
                ).count(),
            },
        )
    return module
