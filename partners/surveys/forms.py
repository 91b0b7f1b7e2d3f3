"""The answer form: the 0-10 score (radio buttons), the survey's extra questions, the comment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import Form
from prm.tenancy.models import Tenant

from ..models import Survey
from ..models.surveys import MAX_SCORE
from .services import ANSWER_MAX, COMMENT_MAX, Answer

SCORES = [(str(n), str(n)) for n in range(MAX_SCORE + 1)]


class AnswerForm(Form):
    score = forms.TypedChoiceField(
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 0 to 10.")},
    )

    def __init__(self, *args: Any, survey: Survey, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["score"].label = survey.score_text(tenant)
        for number, text in survey.questions:
            self.fields[f"answer_{number}"] = forms.CharField(
                label=text,
                required=False,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if survey.comment_prompt:
            self.fields["comment"] = forms.CharField(
                label=survey.comment_prompt,
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @property
    def extra_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name != "score"]

    def answer(self) -> Answer:
        data = self.cleaned_data
        return Answer(
            score=data["score"],
            answers={n: data.get(f"answer_{n}", "") for n, _text in self.survey.questions},
            comment=data.get("comment", ""),
        )
