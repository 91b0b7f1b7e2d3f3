"""The quiz a learner answers: one field per question of their paper.

A choice is posted as its place on the paper ("1", "2", ...), never as its database id: the
order of ids follows the order the author wrote the choices in, which would tell a learner
which one the author wrote first. A value that is not a choice of the question is a form error
beside it.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import Form

from .selectors import PaperQuestion


def field_name(question: PaperQuestion) -> str:
    return f"q{question.number}"


class QuizForm(Form):
    """The learner's answers to their attempt (sent once: a double click submits once)."""

    submit_once = True

    def __init__(self, *args: Any, paper: list[PaperQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper = paper
        for question in paper:
            choices = [(str(i), c.text) for i, c in enumerate(question.choices, start=1)]
            field_class = forms.MultipleChoiceField if question.multiple else forms.ChoiceField
            widget = forms.CheckboxSelectMultiple if question.multiple else forms.RadioSelect
            self.fields[field_name(question)] = field_class(
                label=question.question.text,
                choices=choices,
                widget=widget,
                error_messages={
                    "required": _("Answer this question."),
                    "invalid_choice": _("Choose one of this question's answers."),
                    "invalid_list": _("Choose among this question's answers."),
                },
            )

    def rows(self) -> list[tuple[PaperQuestion, forms.BoundField]]:
        return [(q, self[field_name(q)]) for q in self.paper]

    def answers(self) -> dict[int, list[int]]:
        """Question id -> chosen choice ids (call after `is_valid()`)."""
        answers: dict[int, list[int]] = {}
        for question in self.paper:
            value = self.cleaned_data.get(field_name(question)) or []
            places = [value] if isinstance(value, str) else list(value)
            answers[question.question.pk] = [question.choices[int(p) - 1].pk for p in places]
        return answers
