"""The forms of the job pages: the list's filters and the cancel confirmation."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from prm.filters import QueryForm
from prm.forms import Form

from .models import Job
from .registry import job_kinds


class JobQuery(QueryForm):
    """The list's filters (`?kind=…&status=…`); a value that is not one is left out."""

    kind = forms.ChoiceField(label=_("Kind"), choices=())
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Job.Status.choices])

    def __init__(self, query: QueryDict) -> None:
        super().__init__(query)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *((k.name, k.label) for k in job_kinds()),
        ]


class CancelForm(Form):
    """Nothing to fill in: the page says what cancelling does, the button confirms it."""
