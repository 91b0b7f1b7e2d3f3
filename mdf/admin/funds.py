"""Funds in the vendor admin UI: the list with each fund's money at a glance, and the fund's form
with its own questions inline.

The period is picked as a quarter or a year and its first day; the last day comes from the one
period helper (`mdf.services.funds.fund_period`). The list reads every fund's balances in the
list's own query (sums over its allocations), never one query per row.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.forms import ModelForm
from prm.money import format_money
from prm.workspace.sites import TenantInline, TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import badge

from ..models import Fund, FundQuestion
from ..services.funds import fund_check, fund_period, period_label, window_of

ZERO = Decimal("0.00")
_MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=16, decimal_places=2)


class FundForm(ModelForm):
    """A fund: its period from a kind and a first day, its window and budget checked together."""

    class Meta:
        model = Fund
        fields = [
            "name",
            "description",
            "period",
            "starts_on",
            "currency",
            "budget",
            "opens_on",
            "closes_on",
            "collect_ahead",
            "claim_days",
            "reimbursement_cap",
            "second_approval_above",
        ]
        labels = {"starts_on": gettext_lazy("first day of the period")}
        help_texts = {
            "starts_on": gettext_lazy(
                "A quarter starts on 1 January, 1 April, 1 July or 1 October; a year on "
                "1 January. The period's last day follows from it."
            ),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, first = data.get("period"), data.get("starts_on")
        if not kind or not first:
            return data
        try:
            period = fund_period(kind, first)
            fund_check(
                period=period,
                opens_on=data.get("opens_on"),
                closes_on=data.get("closes_on"),
                collect_ahead=bool(data.get("collect_ahead")),
                budget=data.get("budget"),
                allocated=self.instance.allocated if self.instance.pk else ZERO,
                currency=data.get("currency") or self.instance.currency or "",
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return data
        self.instance.ends_on = period.end
        return data


class LinesField(forms.CharField):
    """Options typed one per line: blank lines dropped, each option once, in order."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 30})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        options: list[str] = []
        for line in (text or "").splitlines():
            option = line.strip()
            if option and option not in options:
                options.append(option)
        return options

    def validate(self, value: Any) -> None:
        super().validate(value)
        for option in value:
            if len(option) > 120:
                raise ValidationError(
                    _("Keep each option to 120 characters: “%(option)s…”") % {"option": option[:40]}
                )


class QuestionForm(ModelForm):
    """A fund's question; a choice lists its options one per line."""

    choices = LinesField(required=False, label=gettext_lazy("choices (one per line)"))

    class Meta:
        model = FundQuestion
        fields = ["position", "label", "help_text", "kind", "choices", "required"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == FundQuestion.Kind.CHOICE:
            if len(data.get("choices") or []) < 2:
                self.add_error("choices", _("A choice offers two options at least, one a line."))
        elif data.get("choices"):
            self.add_error("choices", _("Only a choice question has options: clear them."))
        return data


class QuestionFormSet(forms.BaseInlineFormSet):
    """A question partners already answered stays (its answers would go with it)."""

    def clean(self) -> None:
        super().clean()
        answered = [
            form.instance.label
            for form in self.deleted_forms
            if form.instance.pk and form.instance.answers.exists()
        ]
        if answered:
            raise ValidationError(
                _(
                    "Requests already answer %(questions)s: a question with answers cannot be "
                    "deleted. Make it optional instead."
                )
                % {"questions": ", ".join(f"“{label}”" for label in answered)}
            )


class QuestionInline(TenantInline):
    model = FundQuestion
    form = QuestionForm
    formset = QuestionFormSet
    capabilities = {"edit": "mdf.manage", "view": "mdf.view"}
    extra = 1
    ordering = ["position", "id"]
    verbose_name = gettext_lazy("question")
    verbose_name_plural = gettext_lazy(
        "The fund's own questions (every request answers them, after the standard ones)"
    )


def _sum(field: str) -> Coalesce:
    return Coalesce(Sum(f"allocations__{field}"), Value(ZERO), output_field=_MONEY)


@admin.register(Fund, site=tenant_admin_site)
class FundAdmin(TenantModelAdmin):
    """Funds: staff who see MDF see them; program leaders and partner ops set them up. No delete
    (allocations and requests name their fund)."""

    capabilities = {"view": "mdf.view", "add": "mdf.manage", "change": "mdf.manage"}
    menu_position = 1
    form = FundForm
    inlines = [QuestionInline]
    list_display = [
        "name",
        "period_text",
        "budget_text",
        "allocated_text",
        "committed_text",
        "claimed_text",
        "paid_text",
        "window",
        "links",
    ]
    list_filter = ["period", "collect_ahead"]
    search_fields = ["name"]
    change_list_template = "admin/mdf/fund/change_list.html"
    change_form_template = "admin/mdf/fund/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "description"]}),
        (
            gettext_lazy("Period and money"),
            {"fields": ["period", "starts_on", "currency", "budget"]},
        ),
        (
            gettext_lazy("Request window"),
            {"fields": ["opens_on", "closes_on", "collect_ahead"]},
        ),
        (
            gettext_lazy("Claims and approvals"),
            {"fields": ["claim_days", "reimbursement_cap", "second_approval_above"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fund]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_committed=_sum("committed"),
                total_claimed=_sum("claimed"),
                total_paid=_sum("reimbursed"),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Allocations and requests carry the fund's currency: it is fixed once money is given.
        if obj is not None and obj.pk and obj.allocated:
            return ["currency"]
        return []

    @admin.display(description=gettext_lazy("period"), ordering="starts_on")
    def period_text(self, obj: Fund) -> str:
        return period_label(obj)

    @admin.display(description=gettext_lazy("budget"), ordering="budget")
    def budget_text(self, obj: Fund) -> str:
        return format_money(obj.budget, obj.currency)

    @admin.display(description=gettext_lazy("allocated"), ordering="allocated")
    def allocated_text(self, obj: Fund) -> str:
        return format_money(obj.allocated, obj.currency)

    @admin.display(description=gettext_lazy("committed"), ordering="total_committed")
    def committed_text(self, obj: Fund) -> str:
        return format_money(getattr(obj, "total_committed", None), obj.currency)

    @admin.display(description=gettext_lazy("claimed"), ordering="total_claimed")
    def claimed_text(self, obj: Fund) -> str:
        return format_money(getattr(obj, "total_claimed", None), obj.currency)

    @admin.display(description=gettext_lazy("paid"), ordering="total_paid")
    def paid_text(self, obj: Fund) -> str:
        return format_money(getattr(obj, "total_paid", None), obj.currency)

    @admin.display(description=gettext_lazy("request window"), ordering="opens_on")
    def window(self, obj: Fund) -> str:
        found = window_of(obj, timezone.localdate())
        kind = {"open": "status-approved", "upcoming": "info", "closed": "none"}
        return badge(kind[found.state], found.text)

    @admin.display(description=gettext_lazy("see"))
    def links(self, obj: Fund) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:mdf_fund_overview", args=[obj.pk]),
            _("Overview"),
            reverse("admin:mdf_fund_allocations", args=[obj.pk]),
            _("Allocations"),
        )
