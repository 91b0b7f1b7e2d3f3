"""The partner program's settings and its rules of engagement in the vendor admin UI: one page
each per tenant."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prm.tenancy.requests import tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import PartnerSettings, RulesOfEngagement
from ..selectors import partner_settings_for, rules_of_engagement_for


@admin.register(PartnerSettings, site=tenant_admin_site)
class PartnerSettingsAdmin(TenantModelAdmin):
    """One page per tenant: the list opens the tenant's own settings."""

    capabilities = {"view": "partners.manage", "change": "partners.manage"}
    fieldsets = [
        (_("Tiers"), {"fields": ["tier_demotion_grace_days"]}),
        (_("Partner agreement"), {"fields": ["require_agreement"]}),
        (_("PSAT surveys"), {"fields": ["survey_interval_days"]}),
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


@admin.register(RulesOfEngagement, site=tenant_admin_site)
class RulesOfEngagementAdmin(TenantModelAdmin):
    """One page per tenant, like the settings: the text partners read, and a preview of it as
    the portal shows it (as saved). Every change is audited (`TenantModelAdmin`)."""

    capabilities = {"view": "partners.manage", "change": "partners.manage"}
    fields = ["body", "preview", "updated_at"]
    readonly_fields = ["preview", "updated_at"]

    @admin.display(description=_("As partners read it"))
    def preview(self, obj: RulesOfEngagement) -> str:
        if not obj.body:
            return str(_("Nothing yet: partners see that the rules are not published."))
        url = reverse("partners:rules")
        # The portal's own rendering: escaped text, paragraphs and line breaks kept.
        return format_html(
            '<div class="prm-preview">{}</div><p class="help">{}</p>',
            linebreaks_filter(obj.body, autoescape=True),
            format_html(
                '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
                _("Saved text."),
                url,
                _("Open the portal's page"),
            ),
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = rules_of_engagement_for(tenant_of(request))
        return redirect("admin:partners_rulesofengagement_change", found.pk)

    def response_change(self, request: HttpRequest, obj: RulesOfEngagement) -> HttpResponse:
        self.message_user(
            request, _("The rules of engagement are saved: partners read the new text now.")
        )
        return redirect("admin:partners_rulesofengagement_change", obj.pk)
