"""The workspace's own pages: the tenant's settings page and the audit log."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from prm.audit.models import AuditEvent
from prm.audit.sentences import action_label
from prm.security.client_ip import client_ip
from prm.tenancy.branding import email_from, email_reply_to
from prm.tenancy.forms import TenantSettingsForm
from prm.tenancy.models import TenantSettings
from prm.tenancy.requests import tenant_of

from .services import tenant_settings_update
from .sites import TenantModelAdmin, tenant_admin_site
from .ui import time_tag


@admin.register(TenantSettings, site=tenant_admin_site)
class TenantSettingsAdmin(TenantModelAdmin):
    """One page: the current tenant's settings. The list view goes straight to it."""

    capabilities = {"view": "tenant.settings.change", "change": "tenant.settings.change"}
    form = TenantSettingsForm
    readonly_fields = ["name", "slug", "email_sender"]
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        (_("Branding"), {"fields": ["portal_title", "logo", "primary_colour", "accent_colour"]}),
        (
            _("Contact and locale"),
            {
                "fields": [
                    "support_email",
                    "default_currency",
                    "language",
                    "time_zone",
                    "fiscal_year_start",
                ]
            },
        ),
        (_("Emails"), {"fields": ["email_sender_name", "email_sender"]}),
        (_("Security"), {"fields": ["require_mfa_for_staff"]}),
        (_("Notifications"), {"fields": ["invitation_reminder_days", "digest_hour"]}),
        (_("Reporting"), {"fields": ["sla_target_percent"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TenantSettings]:
        return TenantSettings.objects.filter(pk=tenant_of(request).pk)

    @admin.display(description=_("Emails are sent as"))
    def email_sender(self, obj: TenantSettings) -> str:
        """The From and Reply-To the program's emails carry now (the sender address is the
        platform's unless the operator set the program's own, once its domain allows it)."""
        reply_to = email_reply_to(obj)
        if not reply_to:
            return email_from(obj)
        return _("%(sender)s, replies to %(reply_to)s") % {
            "sender": email_from(obj),
            "reply_to": ", ".join(reply_to),
        }

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:tenancy_tenantsettings_change", tenant_of(request).pk)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        tenant_settings_update(
            actor=request.user, tenant=obj, changes=changes, ip=client_ip(request)
        )
        obj.refresh_from_db()

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        """The service audits the change with before and after values."""


class ActionFilter(admin.SimpleListFilter):
    """The actions the tenant's audit log holds, by the names people use for them."""

    title = _("what happened")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = (
            AuditEvent.objects.filter(tenant=tenant_of(request))
            .order_by()
            .values_list("action", flat=True)
            .distinct()
        )
        return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1])

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> QuerySet[AuditEvent]:
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditEvent, site=tenant_admin_site)
class AuditEventAdmin(TenantModelAdmin):
    """The tenant's audit log: every recorded change, as sentences, newest first."""

    capabilities = {"view": "audit.view"}
    list_display = ["when", "what_happened"]
    list_display_links = None
    list_filter = [ActionFilter]
    search_fields = ["actor_label", "object_repr", "reason"]
    search_help_text = _("Who acted (their email), what it was about, or words of the reason.")
    date_hierarchy = "created_at"
    fields = readonly_fields = ("when", "what_happened", "ip_address")
    list_select_related = ["actor"]
    changelist_title = _("Audit log")

    @admin.display(description=_("when"), ordering="created_at")
    def when(self, obj: AuditEvent) -> str:
        return time_tag(obj.created_at)

    @admin.display(description=_("what happened"))
    def what_happened(self, obj: AuditEvent) -> str:
        return render_to_string("admin/prm/audit_sentence.html", {"e": obj})
