"""The tenant's MDF settings: one page (who may request, the decision clock, low balances)."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from prm.tenancy.requests import tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import MdfSettings
from ..setup import mdf_settings


@admin.register(MdfSettings, site=tenant_admin_site)
class MdfSettingsAdmin(TenantModelAdmin):
    """One page per tenant: the list opens the tenant's own settings."""

    capabilities = {"view": "mdf.manage", "change": "mdf.manage"}
    menu_position = 200
    fieldsets = [
        (_("Who requests funds"), {"fields": ["reps_may_request"]}),
        (_("Decisions"), {"fields": ["sla_hours", "escalation_hours"]}),
        (_("Balances"), {"fields": ["low_balance_percent"]}),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = mdf_settings(tenant_of(request))
        return redirect("admin:mdf_mdfsettings_change", found.pk)

    def response_change(self, request: HttpRequest, obj: MdfSettings) -> HttpResponse:
        # Stay on the one page there is (the list would only come back here).
        self.message_user(request, _("The MDF settings are saved."))
        return redirect("admin:mdf_mdfsettings_change", obj.pk)
