"""The tenant's commission settings: one page (statement period, hold, approval, who sees
earnings, payout day), as MDF's settings page."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from prm.tenancy.decorators import requires
from prm.tenancy.requests import tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import CommissionSettings
from ..setup import commission_settings


@admin.register(CommissionSettings, site=tenant_admin_site)
class CommissionSettingsAdmin(TenantModelAdmin):
    """One page per tenant: the list opens the tenant's own settings."""

    capabilities = {"view": "commissions.manage", "change": "commissions.manage"}
    menu_position = 200
    fieldsets = [
        (_("Statements"), {"fields": ["statement_period", "payout_day"]}),
        (_("Approval"), {"fields": ["hold_days", "auto_approve"]}),
        (_("Who sees earnings"), {"fields": ["reps_see_earnings"]}),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = commission_settings(tenant_of(request))
        return redirect("admin:commissions_commissionsettings_change", found.pk)

    def response_change(self, request: HttpRequest, obj: CommissionSettings) -> HttpResponse:
        # Stay on the one page there is (the list would only come back here).
        self.message_user(request, _("The commission settings are saved."))
        return redirect("admin:commissions_commissionsettings_change", obj.pk)


@requires("commissions.manage")
def settings_page(request: HttpRequest) -> HttpResponse:
    """`admin:commissions_settings`: the tenant's settings page, whatever its row's id."""
    found = commission_settings(tenant_of(request))
    return redirect("admin:commissions_commissionsettings_change", found.pk)
