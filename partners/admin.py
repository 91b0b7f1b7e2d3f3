"""Partner companies in the vendor admin UI."""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prm.tenancy.admin_sites import TenantModelAdmin, tenant_admin_site

from .models import Partner


@admin.register(Partner, site=tenant_admin_site)
class PartnerAdmin(TenantModelAdmin):
    capabilities = {"view": "partners.view", "add": "partners.manage", "change": "partners.manage"}
    list_display = ["name", "status", "website", "joined_on", "active_users"]
    list_filter = ["status"]
    search_fields = ["name", "website"]
    fields = ["name", "website", "status", "joined_on"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return (
            super()
            .get_queryset(request)
            .annotate(active_users=Count("memberships", filter=Q(memberships__is_active=True)))
        )

    @admin.display(description=_("active users"), ordering="active_users")
    def active_users(self, obj: Partner) -> int:
        return obj.active_users  # type: ignore[attr-defined]
