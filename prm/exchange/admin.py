"""The exchange rates in the admin UI's menu and "All pages": the list opens the rates page
(`views.rates_page`), where rates are set, deleted and imported."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from .models import ExchangeRate


@admin.register(ExchangeRate, site=tenant_admin_site)
class ExchangeRateAdmin(TenantModelAdmin):
    """Only the entry in the menu, and a rate's read-only page and history: every change goes
    through the rates page and its services (validated, audited with before and after)."""

    capabilities = {"view": "rates.view"}
    menu_position = 200
    fields = ("currency", "rate", "valid_from", "source", "created_by", "created_at")
    readonly_fields = fields

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:exchange_rates")
