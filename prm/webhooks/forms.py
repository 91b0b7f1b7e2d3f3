"""The forms of the webhook pages: an endpoint (its events as checkboxes grouped by app), the
confirmations, and disabling with a reason."""

from collections import defaultdict
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from prm.forms import Form
from prm.notifications.events import all_event_types

from .addresses import validate_url


def event_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(app's name, [(event name, description), ...]), ...], by app then event."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for event_type in all_event_types():
        groups[event_type.name.split(".", 1)[0]].append((event_type.name, event_type.description))

    def label(app_label: str) -> str:
        try:
            return capfirst(str(apps.get_app_config(app_label).verbose_name))
        except LookupError:
            return capfirst(app_label)

    return sorted(((label(a), events) for a, events in groups.items()), key=lambda g: g[0])


class EndpointForm(Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        help_text=_("Where the events are POSTed: https://… on the internet (http:// also works)."),
        widget=forms.URLInput(
            attrs={"placeholder": "https://crm.example.com/prm/webhooks", "class": "vURLField"}
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives them, for whoever reads this list later."),
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send to this endpoint.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = event_groups()
        self.groups = groups
        self.fields["events"].choices = [  # type: ignore[attr-defined]
            (group, [(name, name) for name, _description in events]) for group, events in groups
        ]

    def clean_url(self) -> str:
        return validate_url(self.cleaned_data["url"])

    def grouped_choices(self) -> list[tuple[str, list[tuple[str, str]], int]]:
        """The groups of events, each with how many of its events are ticked."""
        chosen = self.chosen()
        return [
            (group, events, sum(1 for name, _d in events if name in chosen))
            for group, events in self.groups
        ]

    def chosen(self) -> set[str]:
        """The events ticked (as posted, or as initially given) for the template."""
        if self.is_bound:
            return set(self.data.getlist("events")) if hasattr(self.data, "getlist") else set()
        return set(self.initial.get("events") or [])


class EndpointAddForm(EndpointForm):
    submit_once = True


class ConfirmForm(Form):
    """Nothing to fill in: the page says what happens, the button confirms it."""


class DisableForm(Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the endpoint's page, for whoever enables it again."),
        error_messages={"required": _("Say why, for whoever enables it again.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why, for whoever enables it again."))
        return reason
