"""The forms of the vendor's MDF decision pages: each binds what the decider types, one service
does the rest (and its refusals come back beside the fields they name)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import Form

TEXTAREA = {"rows": 4, "class": "vLargeTextField"}


def _reason(label: Any, help_text: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=help_text,
    )


def _amount(label: Any, help_text: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=help_text,
    )


class ApproveForm(Form):
    amount = _amount(
        _("Amount to approve"),
        _("Prefilled with what the partner asked for; approve less to approve it in part."),
    )
    reason = _reason(
        _("Reason"),
        _("Shown to the partner. Required when you approve less than was asked."),
        required=False,
    )


class SecondApprovalForm(Form):
    reason = _reason(_("Message to the partner"), _("Optional."), required=False)


class QuestionForm(Form):
    question = _reason(
        _("What you need to know"),
        _(
            "Shown to the partner, who changes the request and submits it again. The decision "
            "clock stops meanwhile and starts again on resubmission."
        ),
    )


class ReasonForm(Form):
    reason = _reason(_("Reason"), _("Shown to the partner."))


class ExtendForm(Form):
    until = forms.DateField(
        label=_("New last day to claim"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = _reason(_("Reason"), _("Shown to the partner with the new deadline."))


class ClaimApproveForm(Form):
    amount = _amount(
        _("Amount to reimburse"),
        _("Prefilled with the most the claim may be reimbursed; reimburse less with a reason."),
    )
    reason = _reason(
        _("Reason"),
        _("Shown to the partner. Required when you reimburse less than the most allowed."),
        required=False,
    )


class PaidForm(Form):
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_("The reference of the transfer, as the partner will see it on its statement."),
    )


class BatchCreateForm(Form):
    """Which currency's due claims go into a new batch (the choices: currencies with some)."""

    currency = forms.ChoiceField(label=_("Currency"))

    def __init__(self, *args: Any, currencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = currencies
