"""The partner portal's forms for deal registration and leads.

Querysets of tenant-owned rows are set per request (`DealForm(products=...)`): a class body runs
outside any tenant scope, where scoped managers raise.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from prm.filters import IdField, QueryForm
from prm.forms import Form
from prm.tenancy.models import CURRENCIES
from prm.uploads.checks import size_label
from prm.uploads.fields import UploadField

from .models import Deal, DealAttachment, Lead, Product
from .selectors import LIST_SORTS, DealListQuery
from .services import DealInput
from .services.attachments import ATTACHMENT_RULE
from .services.comments import COMMENT_MAX

_DATE = {"type": "date"}


class DealForm(Form):
    """What a partner types to register a deal (create and edit)."""

    submit_once = True

    customer_name = forms.CharField(label=_("Customer company name"), max_length=200)
    customer_website = forms.CharField(
        label=_("Customer website or domain"),
        max_length=253,
        required=False,
        help_text=_("For example example.com. The domain is the surest way to spot a conflict."),
    )
    country = forms.ChoiceField(label=_("Customer country"), choices=[])
    contact_name = forms.CharField(label=_("Contact name"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_role = forms.CharField(label=_("Contact role"), max_length=120, required=False)
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        queryset=Product.objects.none(),  # set per request in __init__
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of the offered products.")},
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    expected_close_on = forms.DateField(
        label=_("Expected close date"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    deal_type = forms.ChoiceField(
        label=_("Deal type"), choices=Deal.Type.choices, initial=Deal.Type.NEW
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the customer needs, the competition, anything that helps the decision."),
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", "---------"), *countries]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(deal: Deal) -> dict[str, Any]:
        names = [
            "customer_name", "customer_website", "country", "contact_name", "contact_email",
            "contact_role", "amount", "currency", "expected_close_on", "deal_type", "notes",
        ]  # fmt: skip
        initial = {name: getattr(deal, name) for name in names}
        initial["country"] = str(deal.country)
        initial["products"] = [p.pk for p in deal.products.all()]
        return initial

    def deal_input(self) -> DealInput:
        data = self.cleaned_data
        return DealInput(
            customer_name=data["customer_name"].strip(),
            customer_website=data["customer_website"].strip(),
            country=data["country"],
            contact_name=data["contact_name"].strip(),
            contact_email=data["contact_email"],
            contact_role=data["contact_role"].strip(),
            products=list(data["products"]),
            amount=data["amount"],
            currency=data["currency"],
            expected_close_on=data["expected_close_on"],
            deal_type=data["deal_type"],
            notes=data["notes"],
        )


class WithdrawForm(Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WonForm(Form):
    amount = forms.DecimalField(
        label=_("Final amount"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    closed_on = forms.DateField(
        label=_("Close date"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )


class LostForm(Form):
    reason = forms.CharField(
        label=_("Why was it lost?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: lost on price, to a competitor, project cancelled."),
    )


class ExtensionForm(Form):
    submit_once = True

    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=365)
    reason = forms.CharField(
        label=_("Why does the deal need more time?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, max_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["days"]
        field.max_value = max_days  # type: ignore[attr-defined]
        field.help_text = _("Up to %(max)d days.") % {"max": max_days}
        field.widget.attrs["max"] = max_days


class DeclineLeadForm(Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Lead.DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for the vendor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == Lead.DeclineReason.OTHER and not data.get("note", "").strip():
            raise ValidationError({"note": _("Say why you decline the lead.")})
        return data


class AttachmentForm(Form):
    """A file attached to a registration: its type, a short description and the file."""

    submit_once = True

    kind = forms.ChoiceField(label=_("Type"), choices=DealAttachment.Kind.choices)
    label = forms.CharField(
        label=_("Description (optional)"),
        max_length=120,
        required=False,
        help_text=_("For example: signed quote, version 2."),
    )
    file = UploadField(rule=ATTACHMENT_RULE, label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, image, Office or OpenDocument file, or CSV; at most %(size)s."
        ) % {"size": size_label(ATTACHMENT_RULE.max_bytes)}


class CommentForm(Form):
    """A comment in a registration's thread."""

    submit_once = True

    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DealFilterForm(QueryForm):
    """The list's filters and sort (also read by the CSV export), from the query string."""

    status = forms.ChoiceField(choices=[("", _("All")), *Deal.Status.choices])
    q = forms.CharField(label=_("Search by customer or reference"), max_length=200)
    submitted_from = forms.DateField(
        label=_("Submitted from"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    submitted_to = forms.DateField(
        label=_("to"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    expiring = forms.BooleanField(label=_("Expiring soon"))
    sort = forms.ChoiceField(
        choices=[("", _("Newest first"))]
        + [(f"{sign}{name}", f"{sign}{name}") for name in LIST_SORTS for sign in ("", "-")]
    )

    def filters(self) -> DealListQuery:
        values = self.values()
        return DealListQuery(
            status=values["status"],
            q=values["q"],
            submitted_from=values["submitted_from"],
            submitted_to=values["submitted_to"],
            expiring=bool(values["expiring"]),
            sort=values["sort"],
        )


class PrecheckQuery(QueryForm):
    """The pre-check's query string: the two customer fields as typed so far, and the member's
    own registration being edited (left out of the check)."""

    customer_name = forms.CharField()
    customer_website = forms.CharField()
    deal = IdField()
