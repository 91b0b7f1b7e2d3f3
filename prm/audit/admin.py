"""The audit log, read-only, in the vendor admin UI."""

from django.contrib import admin

from prm.tenancy.admin_sites import TenantModelAdmin, tenant_admin_site

from .models import AuditEvent


@admin.register(AuditEvent, site=tenant_admin_site)
class AuditEventAdmin(TenantModelAdmin):
    capabilities = {"view": "audit.view"}
    list_display = ["created_at", "actor_label", "action", "object_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_repr", "reason"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "actor_label",
        "action",
        "object_repr",
        "before",
        "after",
        "reason",
        "ip_address",
    )
    list_select_related = False
