"""Forms of the notification center and of the rule settings in the admin UI."""

from typing import Any

from django import forms

from prm.forms import Form, ModelForm

from . import categories, rules
from .models import Delivery, RuleSetting


class PreferencesForm(Form):
    """One choice per category: at once, daily digest, or portal only."""

    def __init__(self, *args: Any, initial_choices: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in categories.categories().items():
            self.fields[key] = forms.ChoiceField(
                label=str(label),
                choices=Delivery.choices,
                initial=initial_choices.get(key, Delivery.IMMEDIATE),
                widget=forms.RadioSelect,
            )


class RuleSettingForm(ModelForm):
    """A tenant's texts for a rule; placeholders are checked against what the rule offers."""

    class Meta:
        model = RuleSetting
        fields = ["enabled", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def _check(self, field: str) -> str:
        text = self.cleaned_data.get(field, "")
        rules.validate_text(text, rules.rule(self.instance.rule).placeholders)
        return str(text)

    def clean_title(self) -> str:
        return self._check("title")

    def clean_body(self) -> str:
        return self._check("body")
