"""Members and invitations in the vendor admin UI: invite, resend, revoke, deactivate."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from prm.security.client_ip import client_ip
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import (
    VisiblePartnerFilter,
    partner_rows_visible,
    visible_partners,
)
from prm.tenancy.requests import membership_of
from prm.tenancy.roles import PARTNER_ROLES, PEOPLE_ROLES, Role
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, form_page

from . import services
from .forms import ReasonForm, StaffInviteForm
from .models import Invitation


@admin.register(Invitation, site=tenant_admin_site)
class InvitationAdmin(TenantModelAdmin):
    capabilities = {"view": "members.view", "add": "members.partner.invite"}
    list_display = [
        "email",
        "role",
        "partner",
        "status_label",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_filter = ["role", VisiblePartnerFilter]
    search_fields = ["email", "partner__name"]
    list_select_related = ["partner", "invited_by"]
    fields = readonly_fields = (
        "email",
        "role",
        "partner",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    actions = ["resend", "revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        return super().get_queryset(request).filter(partner_rows_visible(membership_of(request)))

    @admin.display(description=_("status"))
    def status_label(self, obj: Invitation) -> str:
        return obj.get_status_display()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        actor = membership_of(request)
        roles = [
            r.value
            for r in Role
            if r in PEOPLE_ROLES and (actor.can("members.staff.invite") or r in PARTNER_ROLES)
        ]

        def invite(form: StaffInviteForm) -> Done:
            try:
                invitation = services.invitation_create(
                    actor=actor,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    partner=form.cleaned_data.get("partner"),
                    ip=client_ip(request),
                )
            except PermissionDenied as exc:  # a role the member may not give: said beside it
                raise ValidationError({"role": str(exc)}) from exc
            told = _("Invitation sent to %(email)s.") % {"email": invitation.email}
            return Done(told, "admin:accounts_invitation_changelist", level=messages.INFO)

        return form_page(
            request,
            form_class=StaffInviteForm,
            form_kwargs={"roles": roles, "partners": visible_partners(membership_of(request))},
            on_valid=invite,
            admin_site=self.admin_site,
            template="admin/accounts/invitation/add.html",
            title=_("Invite a user"),
            opts=self.opts,
            context=extra_context,
        )

    def _act(
        self, request: HttpRequest, queryset: QuerySet[Invitation], service: Any, done: Any
    ) -> None:
        count, refused = 0, []
        for invitation in queryset:
            try:
                service(
                    actor=membership_of(request),
                    invitation=invitation,
                    ip=client_ip(request),
                )
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                refused.append(
                    f"{invitation.email}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
                )
        if count:
            self.message_user(request, done % {"count": count})
        for line in refused:
            self.message_user(request, line, level=messages.WARNING)

    @admin.action(description=_("Send the selected invitations again"), permissions=["view"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._act(
            request, queryset, services.invitation_resend, _("%(count)d invitation(s) sent again.")
        )

    @admin.action(description=_("Revoke the selected invitations"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        self._act(
            request, queryset, services.invitation_revoke, _("%(count)d invitation(s) revoked.")
        )


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
        # A CAM sees vendor staff and the users of the partners assigned to them; API keys'
        # memberships are listed with their keys (Integrations), not among people.
        return (
            super()
            .get_queryset(request)
            .filter(partner_rows_visible(membership_of(request)), role__in=sorted(PEOPLE_ROLES))
        )

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
        if not services.may_manage_member(actor, role=membership.role, partner=membership.partner):
            raise PermissionDenied

        def change(form: ReasonForm) -> Done:
            service = (
                services.membership_deactivate if deactivate else services.membership_reactivate
            )
            service(
                actor=actor,
                membership=membership,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
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
                services.may_manage_member(
                    membership_of(request),
                    role=obj.role,
                    partner=obj.partner,
                )
                and obj.pk != membership_of(request).pk
            )
        return super().render_change_form(request, context, *args, **kwargs)
