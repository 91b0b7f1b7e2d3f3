"""The partner program's settings in the vendor admin UI: one page per tenant."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from prm.tenancy.requests import tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import PartnerSettings
from ..selectors import partner_settings_for


@admin.register(PartnerSettings, site=tenant_admin_site)
class PartnerSettingsAdmin(TenantModelAdmin):
    """One page per tenant: the list opens the tenant's own settings."""

    capabilities = {"view": "partners.manage", "change": "partners.manage"}
    fieldsets = [
        (_("Tiers"), {"fields": ["tier_demotion_grace_days"]}),
        (_("Partner agreement"), {"fields": ["require_agreement"]}),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = partner_settings_for(tenant_of(request))
        return redirect("admin:partners_partnersettings_change", found.pk)

    def response_change(self, request: HttpRequest, obj: PartnerSettings) -> HttpResponse:
        # Stay on the one page there is (the list would only come back here).
        self.message_user(request, _("The partner program settings are saved."))
        return redirect("admin:partners_partnersettings_change", obj.pk)
