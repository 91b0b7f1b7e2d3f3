"""Segments in the vendor admin UI, with a live preview of the partners each one holds."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.postgres.fields import ArrayField
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from .. import selectors
from ..models import Partner, Segment
from ..segments.selectors import segment_q


@admin.register(Segment, site=tenant_admin_site)
class SegmentAdmin(TenantModelAdmin):
    """Segments with a live preview of the partners they hold (as far as the member sees)."""

    capabilities = {
        "view": "partners.view",
        "add": "partners.manage",
        "change": "partners.manage",
        "delete": "partners.manage",
    }
    list_display = ["name", "description", "criteria"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "partner_types", "regions", "industries", "size_bands"]
    change_form_template = "admin/partners/segment/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return super().get_queryset(request).prefetch_related("partner_types")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, ArrayField) and db_field.base_field.choices:
            # Tick boxes instead of a comma-separated text field.
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name.capitalize(),
                choices=db_field.base_field.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Leave all unticked to accept any."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the criteria in words, not stored codes.
            return ["name", "description", "criteria"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "description", "criteria"]
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("criteria"))
    def criteria(self, obj: Segment) -> str:
        parts = [
            ", ".join(t.name for t in obj.partner_types.all()),
            ", ".join(str(Partner.Region(r).label) for r in obj.regions),
            ", ".join(str(Partner.Industry(i).label) for i in obj.industries),
            ", ".join(str(Partner.Size(s).label) for s in obj.size_bands),
        ]
        return " · ".join(p for p in parts if p) or str(_("every partner"))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            visible = selectors.partners_for(membership=membership_of(request))
            context["segment_partners"] = list(
                visible.filter(segment_q(obj)).values_list("name", flat=True)[:200]
            )
        return super().render_change_form(request, context, *args, **kwargs)
