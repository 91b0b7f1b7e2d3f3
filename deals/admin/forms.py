"""The forms of the decision pages: each binds what the CAM types, a service does the rest."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import Form

from ..models import RejectReason

TEXTAREA = {"rows": 4, "class": "vLargeTextField"}


class ApproveForm(Form):
    note = forms.CharField(
        label=_("Message to the partner"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Optional. The partner sees it with the approval."),
    )
    supersede = forms.BooleanField(
        label=_("Award the customer to this registration"),
        required=False,
        help_text=_(
            "Another registration holds this customer. Ticking this approves this one and "
            "rejects the other, which is still waiting for a decision; its partner is told "
            "that another registration was preferred."
        ),
    )

    def __init__(self, *args: Any, may_supersede: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_supersede:
            del self.fields["supersede"]


class RejectForm(Form):
    # No rows at import (outside any tenant scope): the tenant's reasons are set per request.
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=RejectReason.objects.none(), empty_label=_("Choose a reason")
    )
    note = forms.CharField(
        label=_("Message to the partner"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Shown to the partner with the reason: say what they could do differently."),
    )

    def __init__(self, *args: Any, reasons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = reasons


class RequestInfoForm(Form):
    message = forms.CharField(
        label=_("What you need to know"),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_(
            "Shown to the partner, who changes the registration and submits it again. The "
            "decision clock stops meanwhile and starts again on resubmission."
        ),
    )


class ExtensionDecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the extension")), ("decline", _("Decline it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Message to the partner"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required to decline: tell the partner why."),
    )


class WonForm(Form):
    amount = forms.DecimalField(
        label=_("Final amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        help_text=_("In the registration's currency. Commissions accrue from it."),
    )
    closed_on = forms.DateField(
        label=_("Close date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class LostForm(Form):
    reason = forms.CharField(
        label=_("Why it was lost"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class AmountForm(Form):
    amount = forms.DecimalField(
        label=_("Corrected final amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        help_text=_(
            "In the registration's currency. The commission on the old amount is reversed and "
            "accrued again on this one."
        ),
    )
    reason = forms.CharField(
        label=_("Why it changed"),
        max_length=500,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The partner sees it beside the correction."),
    )


class ReopenForm(Form):
    reason = forms.CharField(
        label=_("Why it is reopened"),
        max_length=500,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The partner sees it. A won deal's commission is reversed."),
    )
