"""The forms of part A's admin pages (plans and versions, the preview, the ledger's actions,
adjustments, recalculation). Each binds what the member types; one service does the rest, and
its refusals come back beside the fields they name."""

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from deals.models import Deal, Product, number_in
from partners.models import Partner, PartnerType, Tier
from prm.forms import Form, ModelForm
from prm.tenancy.models import CURRENCIES, Tenant

from ..models import PlanVersion, TypeRate

TEXTAREA = {"rows": 3, "class": "vLargeTextField"}


def _reason(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=500, widget=forms.Textarea(attrs=TEXTAREA), help_text=help_text
    )


class PlanCreateForm(Form):
    submit_once = True
    name = forms.CharField(label=_("Plan name"), max_length=120, initial=_("Partner plan"))
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("For your team: what the plan rewards."),
    )


class VersionNewForm(Form):
    """Only a confirmation (and its one-time token): the draft is a copy of the version in
    force."""

    submit_once = True


class VersionForm(ModelForm):
    class Meta:
        model = PlanVersion
        fields = [
            "currency",
            "default_rate",
            "multiplier_new",
            "multiplier_upsell",
            "multiplier_renewal",
            "cap_per_deal",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs=TEXTAREA)}


class _RuleForm(Form):
    #: the field a row is keyed by (one row per partner type, tier or product)
    key: str = ""

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant


class TypeRateForm(_RuleForm):
    key = "partner_type"
    partner_type = forms.ModelChoiceField(
        label=_("Partner type"), queryset=PartnerType.objects.none()
    )
    # initial: a blank extra row (which still posts its select's value) is left out
    method = forms.ChoiceField(
        label=_("Pays"), choices=TypeRate.Method.choices, initial=TypeRate.Method.PERCENT
    )
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        required=False,
    )
    fixed_amount = forms.DecimalField(
        label=_("Fixed amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    quota = forms.DecimalField(
        label=_("Quota per period"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    accelerated_rate = forms.DecimalField(
        label=_("Accelerated rate (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == TypeRate.Method.FIXED and data.get("fixed_amount") is None:
            self.add_error("fixed_amount", _("A fixed rate needs its amount."))
        if (
            data.get("method") == TypeRate.Method.PERCENT
            and data.get("rate") is None
            and "rate" not in self.errors
        ):
            self.add_error("rate", _("Enter the percent this type earns."))
        quota, fast = data.get("quota"), data.get("accelerated_rate")
        if quota is not None and fast is None:
            self.add_error("accelerated_rate", _("A quota needs the rate paid above it."))
        if fast is not None and quota is None:
            self.add_error("quota", _("An accelerated rate needs the quota it starts above."))
        return data


class TierUpliftForm(_RuleForm):
    key = "tier"
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.none())
    points = forms.DecimalField(
        label=_("Points added"), max_digits=7, decimal_places=4, min_value=-100, max_value=100
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self.fields["tier"].queryset = Tier.objects.filter(tenant=tenant)  # type: ignore[attr-defined]


class OverrideForm(_RuleForm):
    key = "product"
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    rate = forms.DecimalField(
        label=_("Rate (%)"), max_digits=7, decimal_places=4, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(tenant=tenant)  # type: ignore[attr-defined]


class RuleFormSet(BaseFormSet):
    """Rows of one rule table: a blank row is left out; a key named twice is an error beside
    the second row's field."""

    def clean(self) -> None:
        super().clean()
        seen: set[int] = set()
        for form in self.forms:
            if not form.is_valid() or self._deleted(form):
                continue
            chosen = form.cleaned_data.get(form.key)
            if chosen is None:
                continue
            if chosen.pk in seen:
                form.add_error(form.key, _("Listed twice: keep one row for it."))
            seen.add(chosen.pk)

    def _deleted(self, form: Any) -> bool:
        return bool(self._should_delete_form(form))  # type: ignore[attr-defined]

    def rows(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if not self._deleted(form) and form.cleaned_data.get(form.key) is not None
        ]


def rule_formset(form: type[_RuleForm]) -> type[RuleFormSet]:
    return cast(
        "type[RuleFormSet]",
        formset_factory(form, formset=RuleFormSet, extra=2, can_delete=True, max_num=200),
    )


TypeRateFormSet = rule_formset(TypeRateForm)
TierUpliftFormSet = rule_formset(TierUpliftForm)
OverrideFormSet = rule_formset(OverrideForm)


class PublishForm(Form):
    effective_from = forms.DateField(
        label=_("In force from"),
        help_text=_("Deals won on or after this day are paid by this version."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ConfirmForm(Form):
    """A confirmation page's form: nothing to type."""


class PreviewForm(Form):
    """A deal by its reference, or the facts of a deal typed in."""

    deal = forms.CharField(
        label=_("Deal"), max_length=20, required=False, help_text=_("Its reference: DR-000123.")
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), required=False
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, required=False)
    deal_type = forms.ChoiceField(label=_("Deal type"), choices=Deal.Type.choices, required=False)
    products = forms.ModelMultipleChoiceField(
        label=_("Products"), queryset=Product.objects.none(), required=False
    )
    closed_on = forms.DateField(
        label=_("Close date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, tenant: Tenant, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["products"].queryset = Product.objects.filter(tenant=tenant)  # type: ignore[attr-defined]
        self.fields["currency"].initial = tenant.default_currency

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reference = (data.get("deal") or "").strip()
        if reference:
            if number_in(reference) is None:
                self.add_error("deal", _("A deal reference reads DR-000123."))
            return data
        for name in ("partner", "amount", "currency"):
            if not data.get(name):
                self.add_error(name, _("Enter it, or a deal's reference above."))
        return data


class AdjustmentForm(Form):
    submit_once = True
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Negative to take money back (e.g. -250.00). Not zero."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    earned_on = forms.DateField(
        label=_("Earned on"),
        required=False,
        help_text=_("The statement period it belongs to. Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _reason(_("Reason"), _("The partner reads it on the line; it is audited."))

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if not amount:
            raise ValidationError(_("An adjustment of zero changes nothing."))
        return amount


class ReverseForm(Form):
    reason = _reason(_("Reason"), _("The partner reads it on the reversal; it is audited."))


class PeriodForm(Form):
    """The period to recalculate: a month or a quarter, by its first day."""

    class Kind:
        MONTH = "month"
        QUARTER = "quarter"

    kind = forms.ChoiceField(
        label=_("Period"), choices=[("month", _("Month")), ("quarter", _("Quarter"))]
    )
    day = forms.DateField(label=_("Any day in it"), widget=forms.DateInput(attrs={"type": "date"}))


class RecalcPostForm(Form):
    kind = forms.ChoiceField(
        choices=[("month", "month"), ("quarter", "quarter")], widget=forms.HiddenInput
    )
    day = forms.DateField(widget=forms.HiddenInput)
    run = forms.UUIDField(widget=forms.HiddenInput)


def day_or_none(value: Any) -> date | None:
    return value if isinstance(value, date) else None
