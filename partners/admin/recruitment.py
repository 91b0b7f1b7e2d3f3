"""Setting up recruitment in the vendor admin UI: the ideal partner profile applications are
scored against, and the public "Become a partner" page's settings."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from prm.forms import ModelForm
from prm.tenancy.requests import tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import PartnerType, ProfileCriterion, RecruitmentSettings
from ..recruitment import scoring
from ..recruitment.selectors import recruitment_settings_for
from ..recruitment.services import recruitment_settings_ensure

#: criterion question -> the form field holding its accepted values
VALUE_FIELDS = {"partner_type": "partner_types", **scoring.ACCEPTED_CODES}


class ProfileCriterionForm(ModelForm):
    # No rows at import (outside any tenant scope): the tenant's types are set per request.
    partner_types = forms.ModelMultipleChoiceField(
        label=_("Accepted partner types"),
        queryset=PartnerType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.TypedMultipleChoiceField(
        label=_("Accepted countries"),
        choices=countries,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several."),
    )

    class Meta:
        model = ProfileCriterion
        fields = [
            "field",
            "weight",
            "must_have",
            "partner_types",
            "countries",
            "regions",
            "industries",
            "size_bands",
            "minimum",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        question = data.get("field")
        if not question:
            return data
        label = ProfileCriterion.Field(question).label
        for value_field in VALUE_FIELDS.values():
            if value_field != VALUE_FIELDS.get(question) and data.get(value_field):
                self.add_error(
                    value_field,
                    _(
                        "This criterion is about %(question)s: leave this empty, or add a "
                        "separate criterion."
                    )
                    % {"question": label},
                )
        if question in ProfileCriterion.NUMERIC_FIELDS:
            if data.get("minimum") is None:
                self.add_error("minimum", _("Give the minimum %(question)s.") % {"question": label})
        else:
            if data.get("minimum") is not None:
                self.add_error("minimum", _("A minimum applies only to number questions."))
            if not data.get(VALUE_FIELDS[question]):
                self.add_error(VALUE_FIELDS[question], _("Choose at least one accepted answer."))
        return data


@admin.register(ProfileCriterion, site=tenant_admin_site)
class ProfileCriterionAdmin(TenantModelAdmin):
    capabilities = {
        "view": "partners.recruit",
        "add": "partners.recruit",
        "change": "partners.recruit",
        "delete": "partners.recruit",
    }
    form = ProfileCriterionForm
    list_display = ["label", "weight", "share", "must_have"]
    list_display_links = ["label"]
    list_filter = ["must_have", "field"]
    change_list_template = "admin/partners/profilecriterion/change_list.html"
    fieldsets = [
        (None, {"fields": ["field", "weight", "must_have"]}),
        (
            _("Accepted answers"),
            {
                "description": _(
                    "Fill in only what belongs to the question: accepted answers for a choice, "
                    "a minimum for a number. A missing answer never meets a criterion."
                ),
                "fields": [
                    "partner_types",
                    "countries",
                    "regions",
                    "industries",
                    "size_bands",
                    "minimum",
                ],
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProfileCriterion]:
        tenant = tenant_of(request)
        total = (
            ProfileCriterion.objects.filter(tenant=tenant)
            .order_by()
            .values("tenant")
            .annotate(total=Sum("weight"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("tenant")
            .prefetch_related("partner_types")
            .annotate(total_weight=Subquery(total.filter(tenant=OuterRef("tenant"))))
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        tenant = tenant_of(request)

        class TenantForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                types = self.fields.get("partner_types")
                if isinstance(types, forms.ModelMultipleChoiceField):
                    types.queryset = PartnerType.objects.filter(tenant=tenant)

        return TenantForm

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, ArrayField) and db_field.base_field.choices:
            return _ticks(db_field)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("criterion"))
    def label(self, obj: ProfileCriterion) -> str:
        return scoring.criterion_label(obj, currency=obj.tenant.default_currency)

    @admin.display(description=_("share of the score"))
    def share(self, obj: ProfileCriterion) -> str:
        total = obj.total_weight or 0  # type: ignore[attr-defined]
        return f"{round(obj.weight * 100 / total)} %" if total else "—"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        tenant = tenant_of(request)
        asked = set(recruitment_settings_for(tenant).asked_fields) | {"country"}
        questions = set(
            ProfileCriterion.objects.filter(tenant=tenant).values_list("field", flat=True)
        )
        unasked = sorted(str(ProfileCriterion.Field(q).label) for q in questions - asked)
        return super().changelist_view(
            request, {"unasked_questions": unasked, **(extra_context or {})}
        )


def _ticks(db_field: Any) -> forms.Field:
    """Tick boxes instead of a comma-separated text field."""
    return forms.TypedMultipleChoiceField(
        label=str(db_field.verbose_name).capitalize(),
        choices=db_field.base_field.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# The public page's settings


@admin.register(RecruitmentSettings, site=tenant_admin_site)
class RecruitmentSettingsAdmin(TenantModelAdmin):
    """One page per tenant: open or close applications, the intro, the optional questions."""

    capabilities = {"view": "partners.recruit", "change": "partners.recruit"}
    fields = ["is_open", "public_page", "intro", "asked_fields", "required_fields"]
    readonly_fields = ["public_page"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = recruitment_settings_ensure(tenant=tenant_of(request))
        return redirect("admin:partners_recruitmentsettings_change", found.pk)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, ArrayField):
            field = _ticks(db_field)
            if db_field.name == "asked_fields":
                field.help_text = _(
                    "Company name, your name, business email and country are always asked."
                )
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("public page"))
    def public_page(self, obj: RecruitmentSettings) -> str:
        url = reverse("recruitment:apply")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)
