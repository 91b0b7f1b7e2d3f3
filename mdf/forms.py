"""The partner portal's MDF forms: a request (the standard questions, then the fund's own), a
claim with its proof and linked registrations, and the withdrawal's reason.

A request or claim saved as a draft may be incomplete: the view binds the form with
`draft=True`, and only what a draft needs is required; the services validate a submission in
full (and their errors come back beside these fields). Querysets of tenant-owned rows are given
per request: a class body runs outside any tenant scope.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from deals.models import Deal
from prm.forms import Form
from prm.uploads.checks import size_label
from prm.uploads.fields import UploadField

from .models import Claim, Fund, FundQuestion, MdfRequest
from .services.claims import PROOF_RULE, ClaimInput
from .services.requests import REQUIRED_ON_SUBMIT, RequestInput, question_field

_DATE = {"type": "date"}
_TEXT = {"rows": 3}
_MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class RequestForm(Form):
    """A request for funds, in the order the program asks (the issue's standard questions),
    then the fund's own questions as `q_<id>` fields."""

    submit_once = True

    activity_type = forms.ChoiceField(label=_("Activity type"), choices=MdfRequest.Activity.choices)
    title = forms.CharField(label=_("Campaign title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you will do and why it will bring business."),
    )
    audience = forms.CharField(
        label=_("Target audience"),
        max_length=2000,
        widget=forms.Textarea(attrs=_TEXT),
        help_text=_("Who is the campaign for: industries, roles, company sizes, regions."),
    )
    activities = forms.CharField(
        label=_("Activities and channels"),
        max_length=2000,
        widget=forms.Textarea(attrs=_TEXT),
        help_text=_("What the campaign entails: platforms, media formats, events, mailings."),
    )
    starts_on = forms.DateField(
        label=_("Activity starts"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Activity ends"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    expected_leads = forms.IntegerField(
        label=_("Expected leads"), min_value=0, max_value=10_000_000
    )
    expected_pipeline = forms.DecimalField(label=_("Expected pipeline"), **_MONEY)
    cofunded = forms.BooleanField(
        label=_("Other vendors co-fund this campaign"),
        required=False,
        help_text=_("Will you request funds from other vendors for it?"),
    )
    cofunders = forms.CharField(
        label=_("Co-funding vendors"),
        max_length=300,
        required=False,
        help_text=_("Who: the other vendors' names."),
    )
    cofunded_share = forms.DecimalField(
        label=_("Their share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("99.99"),
        required=False,
    )
    amount = forms.DecimalField(label=_("Amount requested"), **_MONEY)

    def __init__(
        self, *args: Any, fund: Fund, questions: list[FundQuestion], draft: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.questions = questions
        currency = fund.currency
        self.fields["expected_pipeline"].label = _("Expected pipeline (%(currency)s)") % {
            "currency": currency
        }
        self.fields["amount"].label = _("Amount requested (%(currency)s)") % {"currency": currency}
        for question in questions:
            self.fields[question_field(question)] = _question_field(question)
        # Marked required where a submission needs it; a draft needs only its title.
        for name, field in self.fields.items():
            if name in REQUIRED_ON_SUBMIT or name.startswith("q_"):
                field.required = field.required and not draft
        self.fields["title"].required = True

    @property
    def question_fields(self) -> list[forms.BoundField]:
        return [self[question_field(q)] for q in self.questions]

    @staticmethod
    def initial_for(request: MdfRequest, answers: dict[int, str]) -> dict[str, Any]:
        names = [
            "activity_type", "title", "description", "audience", "activities", "starts_on",
            "ends_on", "expected_leads", "expected_pipeline", "cofunded", "cofunders",
            "cofunded_share", "amount",
        ]  # fmt: skip
        initial = {name: getattr(request, name) for name in names}
        initial.update({question_field(pk): value for pk, value in answers.items()})
        return initial

    def request_input(self) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            activity_type=data["activity_type"],
            title=data["title"],
            description=data.get("description") or "",
            audience=data.get("audience") or "",
            activities=data.get("activities") or "",
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            expected_leads=data.get("expected_leads"),
            expected_pipeline=data.get("expected_pipeline"),
            cofunded=bool(data.get("cofunded")),
            cofunders=data.get("cofunders") or "",
            cofunded_share=data.get("cofunded_share"),
            amount=data.get("amount"),
        )

    def answers(self) -> dict[int, str]:
        return {
            q.pk: "" if (v := self.cleaned_data.get(question_field(q))) is None else str(v)
            for q in self.questions
        }


def _question_field(question: FundQuestion) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "required": question.required,
        "help_text": question.help_text,
    }
    if question.kind == FundQuestion.Kind.NUMBER:
        return forms.DecimalField(max_digits=15, decimal_places=4, **common)
    if question.kind == FundQuestion.Kind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "---------"), *((c, c) for c in question.choices)], **common
        )
    return forms.CharField(max_length=4000, widget=forms.Textarea(attrs=_TEXT), **common)


class WithdrawForm(Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DealChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} · {obj.customer_name} ({obj.get_status_display()})"


class ClaimForm(Form):
    """A claim: the actual spend, the results, the registrations that came from the campaign,
    and a proof file (one per save; the claim's page lists those attached)."""

    submit_once = True

    actual_spend = forms.DecimalField(label=_("Actual spend"), **_MONEY)
    leads = forms.IntegerField(label=_("Leads"), min_value=0, max_value=100_000_000, required=False)
    attendees = forms.IntegerField(
        label=_("Attendees"), min_value=0, max_value=100_000_000, required=False
    )
    impressions = forms.IntegerField(
        label=_("Impressions"), min_value=0, max_value=2_000_000_000, required=False
    )
    results = forms.CharField(
        label=_("Results"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the activity went: what worked, what the audience asked, next steps."),
    )
    deals = DealChoices(
        label=_("Deals that came from the campaign"),
        queryset=Deal.objects.none(),  # set per request
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pick the registrations the campaign brought: they make its ROI."),
    )
    proof = UploadField(rule=PROOF_RULE, label=_("Add a proof of performance"), required=False)

    def __init__(
        self, *args: Any, deals: QuerySet[Deal], currency: str, draft: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["deals"].queryset = deals  # type: ignore[attr-defined]
        self.fields["actual_spend"].label = _("Actual spend (%(currency)s)") % {
            "currency": currency
        }
        self.fields["actual_spend"].required = not draft
        self.fields["proof"].help_text = _(
            "An invoice, a screenshot or an attendee list: PDF, PNG, JPEG, CSV or XLSX, at most "
            "%(size)s each. Save to attach it; add more one by one."
        ) % {"size": size_label(PROOF_RULE.max_bytes)}

    @staticmethod
    def initial_for(claim: Claim, deal_ids: list[int]) -> dict[str, Any]:
        names = ["actual_spend", "leads", "attendees", "impressions", "results"]
        return {**{name: getattr(claim, name) for name in names}, "deals": deal_ids}

    def claim_input(self) -> ClaimInput:
        data = self.cleaned_data
        return ClaimInput(
            actual_spend=data.get("actual_spend"),
            leads=data.get("leads"),
            attendees=data.get("attendees"),
            impressions=data.get("impressions"),
            results=data.get("results") or "",
        )
