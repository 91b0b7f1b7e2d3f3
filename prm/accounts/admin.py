"""Invitations in the vendor admin UI: send, resend, revoke."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from prm.tenancy.admin_sites import TenantModelAdmin, tenant_admin_site
from prm.tenancy.admin_ui import Done, form_page
from prm.tenancy.partner_access import (
    VisiblePartnerFilter,
    partner_rows_visible,
    visible_partners,
)
from prm.tenancy.requests import membership_of
from prm.tenancy.roles import PARTNER_ROLES, Role

from . import services
from .client_ip import client_ip
from .forms import StaffInviteForm
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
        roles = [r.value for r in Role if actor.can("members.staff.invite") or r in PARTNER_ROLES]

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
