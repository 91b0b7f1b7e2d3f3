"""Notifications in the admin UI: staff's notification center, rule settings, the outbox."""

from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from prm.security.client_ip import client_ip
from prm.security.secret_urls import mask_secret_urls
from prm.tenancy.requests import tenant_of, user_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from . import rules, selectors, services
from .forms import RuleSettingForm
from .models import EmailOutbox, RuleSetting
from .views import PAGE_SIZE


def notification_center(request: HttpRequest) -> HttpResponse:
    """Vendor staff's notification center, in the admin UI's layout."""
    page = Paginator(
        selectors.notifications_for(tenant=tenant_of(request), user=user_of(request)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Notifications"),
        "page": page,
    }
    return TemplateResponse(request, "admin/notifications/list.html", context)


tenant_admin_site.register_view("notifications/", notification_center, "notifications")


@admin.register(RuleSetting, site=tenant_admin_site)
class RuleSettingAdmin(TenantModelAdmin):
    """Each notification rule of the product; the tenant switches it off or rewrites its texts."""

    capabilities = {"view": "tenant.settings.change", "change": "tenant.settings.change"}
    form = RuleSettingForm
    list_display = ["description", "event", "enabled", "customised"]
    list_filter = ["enabled"]
    fields = ["about", "enabled", "title", "body"]
    readonly_fields = ["about"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        services.rule_settings_ensure(tenant=tenant_of(request))
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleSetting]:
        # Only rules the code still defines; a row left by a removed rule stays out of sight.
        return super().get_queryset(request).filter(rule__in=[r.key for r in rules.all_rules()])

    @admin.display(description=_("rule"))
    def description(self, obj: RuleSetting) -> str:
        return str(rules.rule(obj.rule).description)

    @admin.display(description=_("event"))
    def event(self, obj: RuleSetting) -> str:
        return rules.rule(obj.rule).event

    @admin.display(description=_("own texts"), boolean=True)
    def customised(self, obj: RuleSetting) -> bool:
        return bool(obj.title or obj.body)

    @admin.display(description=_("about this rule"))
    def about(self, obj: RuleSetting) -> str:
        rule = rules.rule(obj.rule)
        return str(
            _(
                "%(description)s Default title: “%(title)s”. Default text: “%(body)s”. "
                "Leave a field empty to use the default. Placeholders: %(placeholders)s."
            )
            % {
                "description": rule.description,
                "title": rule.title,
                "body": rule.body,
                "placeholders": ", ".join(f"{{{p}}}" for p in rule.placeholders),
            }
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.rule_setting_update(
            actor=request.user,
            setting=obj,
            enabled=form.cleaned_data["enabled"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            ip=client_ip(request),
        )

    # The service audits the change with before and after values.
    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        pass


@admin.register(EmailOutbox, site=tenant_admin_site)
class EmailOutboxAdmin(TenantModelAdmin):
    """What the program emailed to whom, and whether it went out."""

    capabilities = {"view": "audit.view"}
    list_display = ["created_at", "to_email", "masked_subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "category"]
    search_fields = ["to_email", "subject"]
    date_hierarchy = "created_at"
    # Bodies only through the masking methods: staff must not be able to use someone else's
    # invitation or unsubscribe link (prm.security.secret_urls).
    fields = readonly_fields = (
        "created_at",
        "to_email",
        "masked_subject",
        "category",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "masked_body",
    )

    @admin.display(description=_("subject"), ordering="subject")
    def masked_subject(self, obj: EmailOutbox) -> str:
        return mask_secret_urls(obj.subject)

    @admin.display(description=_("text"))
    def masked_body(self, obj: EmailOutbox) -> str:
        return mask_secret_urls(obj.body_text)
