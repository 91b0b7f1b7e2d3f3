"""The exchange-rates page's forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.filters import QueryForm
from prm.forms import Form
from prm.tenancy.models import CURRENCIES, Tenant

from .selectors import currency_name, foreign_currencies
from .services import rate_problems


class RateForm(Form):
    """A rate to set, sent twice: first to see what it changes, then confirmed. (No one-time
    token: the confirmation is the second send, and setting the same rate again is harmless.)"""

    currency = forms.ChoiceField(label=_("currency"))
    rate = forms.DecimalField(
        label=_("rate"),
        help_text=_("What one unit of the currency is worth in the program's currency."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    valid_from = forms.DateField(
        label=_("valid from"),
        help_text=_("The first day the rate applies; it applies until the next rate's first day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((code, f"{code} · {currency_name(code)}") for code in foreign_currencies(tenant)),
        ]
        self.tenant = tenant

    def clean(self) -> dict[str, Any]:
        # The service's rules, checked here too so that every problem shows at once, each
        # beside its field (the service checks again: it is the rule).
        data = super().clean() or {}
        problems = rate_problems(
            self.tenant,
            currency=data.get("currency", ""),
            rate=data.get("rate"),
            valid_from=data.get("valid_from"),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class HistoryQuery(QueryForm):
    """The page's query: the history of one currency."""

    currency = forms.ChoiceField(choices=[("", ""), *CURRENCIES])


class DeleteForm(Form):
    """The delete page's form: nothing to fill in, the button confirms."""
