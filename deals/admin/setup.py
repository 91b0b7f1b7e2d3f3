"""Setting up deal registration: products, rejection reasons and the tenant's rules."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from prm.tenancy.requests import tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import DealSettings, Product, RejectReason
from ..selectors import deal_settings_for


@admin.register(Product, site=tenant_admin_site)
class ProductAdmin(TenantModelAdmin):
    """No delete: registrations name their products; stop offering one instead."""

    capabilities = {"view": "deals.view", "add": "deals.manage", "change": "deals.manage"}
    list_display = ["name", "sku", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "sku"]
    fields = ["name", "sku", "is_active"]


@admin.register(RejectReason, site=tenant_admin_site)
class RejectReasonAdmin(TenantModelAdmin):
    """The reasons a CAM chooses from; a reason already given cannot be deleted (turn it off)."""

    capabilities = {
        "view": "deals.manage",
        "add": "deals.manage",
        "change": "deals.manage",
        "delete": "deals.manage",
    }
    list_display = ["label", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label"]
    fields = ["label", "position", "is_active"]


@admin.register(DealSettings, site=tenant_admin_site)
class DealSettingsAdmin(TenantModelAdmin):
    """One page per tenant: the list opens the tenant's own settings."""

    capabilities = {"view": "deals.manage", "change": "deals.manage"}
    fieldsets = [
        (
            _("Rules of engagement"),
            {"fields": ["engagement_rule", "protection_days", "on_partner_exit"]},
        ),
        (_("Decisions"), {"fields": ["sla_hours", "escalation_hours"]}),
        (_("Protection"), {"fields": ["expiry_warning_days", "max_extension_days"]}),
        (_("Leads"), {"fields": ["lead_response_days"]}),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = deal_settings_for(tenant_of(request))
        return redirect("admin:deals_dealsettings_change", found.pk)

    def response_change(self, request: HttpRequest, obj: DealSettings) -> HttpResponse:
        # Stay on the one page there is (the list would only come back here).
        self.message_user(request, _("The deal registration settings are saved."))
        return redirect("admin:deals_dealsettings_change", obj.pk)
