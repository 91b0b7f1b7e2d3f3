"""The operator's admin on the platform host: tenants, their domains, their first leaders."""

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from prm.accounts import services as account_services
from prm.accounts.forms import StaffInviteForm
from prm.accounts.models import User
from prm.admin_forms import GuardedFormsAdmin, GuardedFormsInline
from prm.notifications.events import emit
from prm.security.client_ip import client_ip
from prm.tenancy.models import Membership, Tenant, TenantDomain
from prm.tenancy.requests import posted, user_of
from prm.tenancy.roles import Role

from .events import TENANT_CREATED
from .sites import platform_admin_site


class TenantDomainInline(GuardedFormsInline, admin.TabularInline):
    model = TenantDomain
    extra = 1


@admin.register(Tenant, site=platform_admin_site)
class PlatformTenantAdmin(GuardedFormsAdmin):
    list_display = ["name", "slug", "primary_host", "is_active", "created_at"]
    search_fields = ["name", "slug", "domains__host"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TenantDomainInline]
    readonly_fields = ["program_leaders"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "portal_title", "is_active"]}),
        (_("Program leaders"), {"fields": ["program_leaders"]}),
        # Only the operator sets the sending address, once the vendor's domain lets the
        # platform send for it (SPF, DKIM); the vendor names the sender in its own settings.
        (_("Emails"), {"fields": ["email_sender_address"]}),
    ]
    change_form_template = "admin/tenancy/tenant/platform_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        return super().get_queryset(request).prefetch_related("domains")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                # Apps above set up a new tenant's defaults (partner types, alert rules ...) on
                # this event, in a scope of exactly that tenant: their handlers may read its rows.
                with scope(tenant=obj):
                    emit(TENANT_CREATED.name, tenant=obj, actor=user_of(request), subject=obj)

    @admin.display(description=_("primary host"))
    def primary_host(self, obj: Tenant) -> str:
        domain = obj.primary_domain
        return domain.host if domain else "—"

    @admin.display(description=_("program leaders"))
    def program_leaders(self, obj: Tenant) -> str:
        if not obj.pk:
            return "—"
        # The operator acts on one tenant here: a scope of exactly that tenant, never of all.
        with scope(tenant=obj):
            emails = list(
                Membership.objects.filter(
                    tenant=obj, role=Role.PROGRAM_LEADER, is_active=True
                ).values_list("user__email", flat=True)
            )
        return format_html_join(", ", "{}", ((e,) for e in emails)) or "—"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/invite-leader/",
                self.admin_site.admin_view(self.invite_leader_view),
                name="tenancy_tenant_invite_leader",
            ),
            *super().get_urls(),
        ]

    def invite_leader_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        tenant = self.get_object(request, object_id)
        if tenant is None or not self.has_change_permission(request, tenant):
            raise PermissionDenied
        form = StaffInviteForm(posted(request), roles=[Role.PROGRAM_LEADER], partners=None)
        if request.method == "POST" and form.is_valid():
            try:
                with scope(tenant=tenant):
                    account_services.invitation_create_by_operator(
                        operator=cast(User, request.user),
                        tenant=tenant,
                        email=form.cleaned_data["email"],
                        ip=client_ip(request),
                    )
            except ValidationError as exc:
                form.add_error("email", exc.messages)
            else:
                messages.success(request, _("Invitation sent."))
                return redirect(reverse("platform:tenancy_tenant_change", args=[tenant.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite a program leader to %s") % tenant,
            "opts": self.opts,
            "object": tenant,
            "form": form,
        }
        return TemplateResponse(request, "admin/tenancy/tenant/invite_leader.html", context)
