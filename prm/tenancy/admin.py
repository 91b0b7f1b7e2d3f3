"""Admin for tenancy: the tenant's own settings page, memberships, and the operator's tenants."""

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
from prm.accounts.forms import ReasonForm, StaffInviteForm
from prm.accounts.models import User
from prm.admin_forms import GuardedFormsAdmin, GuardedFormsInline
from prm.notifications.events import emit

from .admin_sites import TenantModelAdmin, platform_admin_site, tenant_admin_site
from .admin_ui import Done, form_page
from .events import TENANT_CREATED
from .forms import TenantSettingsForm
from .models import Membership, Tenant, TenantDomain, TenantSettings
from .partner_access import VisiblePartnerFilter, partner_rows_visible
from .requests import membership_of, posted, tenant_of, user_of
from .roles import Role
from .services import tenant_settings_update


@admin.register(TenantSettings, site=tenant_admin_site)
class TenantSettingsAdmin(TenantModelAdmin):
    """One page: the current tenant's settings. The list view goes straight to it."""

    capabilities = {"view": "tenant.settings.change", "change": "tenant.settings.change"}
    form = TenantSettingsForm
    readonly_fields = ["name", "slug"]
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        (_("Branding"), {"fields": ["portal_title", "logo", "primary_colour", "accent_colour"]}),
        (
            _("Contact and locale"),
            {"fields": ["support_email", "default_currency", "language", "time_zone"]},
        ),
        (_("Security"), {"fields": ["require_mfa_for_staff"]}),
        (_("Notifications"), {"fields": ["invitation_reminder_days", "digest_hour"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TenantSettings]:
        return TenantSettings.objects.filter(pk=tenant_of(request).pk)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:tenancy_tenantsettings_change", tenant_of(request).pk)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        tenant_settings_update(
            actor=request.user, tenant=obj, changes=changes, ip=request.META.get("REMOTE_ADDR")
        )
        obj.refresh_from_db()

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        """The service audits the change with before and after values."""


@admin.register(Membership, site=tenant_admin_site)
class MembershipAdmin(TenantModelAdmin):
    capabilities = {"view": "members.view"}
    list_display = ["user_email", "user_name", "role", "partner", "is_active", "created_at"]
    list_filter = ["role", "is_active", VisiblePartnerFilter]
    search_fields = ["user__email", "user__full_name", "partner__name"]
    list_select_related = ["user", "partner"]
    fields = readonly_fields = (
        "user",
        "role",
        "partner",
        "is_active",
        "created_at",
        "deactivated_at",
    )
    change_form_template = "admin/tenancy/membership/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        # A CAM sees vendor staff and the users of the partners assigned to them.
        return super().get_queryset(request).filter(partner_rows_visible(membership_of(request)))

    @admin.display(description=_("email"), ordering="user__email")
    def user_email(self, obj: Membership) -> str:
        return obj.user.email

    @admin.display(description=_("name"), ordering="user__full_name")
    def user_name(self, obj: Membership) -> str:
        return obj.user.full_name

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/deactivate/",
                wrap(self.deactivate_view),
                name="tenancy_membership_deactivate",
            ),
            path(
                "<path:object_id>/reactivate/",
                wrap(self.reactivate_view),
                name="tenancy_membership_reactivate",
            ),
            *super().get_urls(),
        ]

    def _reason_view(self, request: HttpRequest, object_id: str, deactivate: bool) -> HttpResponse:
        membership = self.get_object(request, object_id)
        if not self.has_view_permission(request, membership):
            raise PermissionDenied
        actor = membership_of(request)
        if not account_services.may_manage_member(
            actor, role=membership.role, partner=membership.partner
        ):
            raise PermissionDenied

        def change(form: ReasonForm) -> Done:
            service = (
                account_services.membership_deactivate
                if deactivate
                else account_services.membership_reactivate
            )
            service(
                actor=actor,
                membership=membership,
                reason=form.cleaned_data["reason"],
                ip=request.META.get("REMOTE_ADDR"),
            )
            done = _("deactivated") if deactivate else _("reactivated")
            told = _("%(m)s was %(done)s.") % {"m": membership, "done": done}
            return Done(told, "admin:tenancy_membership_change", [membership.pk], messages.INFO)

        return form_page(
            request,
            form_class=ReasonForm,
            on_valid=change,
            admin_site=self.admin_site,
            template="admin/tenancy/membership/reason.html",
            title=(_("Deactivate %s") if deactivate else _("Reactivate %s")) % membership.user,
            obj=membership,
            context={"deactivate": deactivate},
        )

    def deactivate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._reason_view(request, object_id, deactivate=True)

    def reactivate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._reason_view(request, object_id, deactivate=False)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None:
            context["may_manage"] = (
                account_services.may_manage_member(
                    membership_of(request),
                    role=obj.role,
                    partner=obj.partner,
                )
                and obj.pk != membership_of(request).pk
            )
        return super().render_change_form(request, context, *args, **kwargs)


# The operator's admin on the platform host.


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
    ]
    change_form_template = "admin/tenancy/tenant/platform_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tenant]:
        return super().get_queryset(request).prefetch_related("domains")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                # Apps above set up a new tenant's defaults (partner types, ...) on this event.
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
                        ip=request.META.get("REMOTE_ADDR"),
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
