"""The API keys' forms: a new key (name, scopes, expiry, rate limit) and the revoke confirmation."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.forms import Form

from . import registry

SCOPE_PREFIX = "scope_"


class ApiKeyForm(Form):
    submit_once = True

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses the key, such as “Salesforce sync”: the audit log names it."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The key stops working at the start of this day. Empty: it does not expire."),
    )
    rate_limit = forms.IntegerField(
        label=_("Requests per minute"),
        initial=600,
        min_value=1,
        max_value=100_000,
        help_text=_("Past this, the API answers 429 with Retry-After until the next minute."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for resource in registry.resources():
            choices = [("", _("No access")), (registry.READ, _("Read"))]
            if not resource.read_only:
                choices.append((registry.WRITE, _("Read and write")))
            self.fields[SCOPE_PREFIX + resource.name] = forms.ChoiceField(
                label=str(resource.label),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=str(resource.help),
            )

    def scope_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(SCOPE_PREFIX)]

    def other_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if not name.startswith(SCOPE_PREFIX) and not self[name].is_hidden
        ]

    def clean_expires_on(self) -> date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(v for k, v in data.items() if k.startswith(SCOPE_PREFIX)):
            # Shown above the scopes (the form's own errors, not the page's).
            raise forms.ValidationError(_("Give the key at least one scope."), code="no_scope")
        return data

    def scopes(self) -> dict[str, str]:
        return {
            name.removeprefix(SCOPE_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(SCOPE_PREFIX) and value
        }

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))


class RevokeForm(Form):
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, such as “the CRM was replaced”."),
    )
