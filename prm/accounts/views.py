"""Accepting invitations, and the partner admin's team page."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.forms import errors_to_form
from prm.security.client_ip import client_ip
from prm.tenancy.decorators import public, requires
from prm.tenancy.models import Membership
from prm.tenancy.requests import TenantRequest, own_partner, posted
from prm.tenancy.roles import PARTNER_ROLES, Role

from . import selectors, services
from .forms import (
    AcceptExistingAccountForm,
    AcceptNewAccountForm,
    PartnerInviteForm,
    ReasonForm,
    RoleForm,
)
from .models import Invitation, User
from .tokens import invitation_from_token

AUTH_BACKEND = "prm.accounts.backends.TenantMembershipBackend"


@public
def invitation_accept(request: TenantRequest, token: str) -> HttpResponse:
    invitation = invitation_from_token(token)
    if invitation is None or invitation.tenant_id != request.tenant.pk:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if invitation.status != Invitation.Status.PENDING:
        return render(
            request, "accounts/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    form_class = AcceptExistingAccountForm if existing else AcceptNewAccountForm
    form = form_class(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                password=form.password,
                full_name=form.cleaned_data.get("full_name", ""),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            login(request, membership.user, backend=AUTH_BACKEND)
            messages.success(
                request,
                _("Welcome to %(portal)s.") % {"portal": request.tenant.portal_title},
            )
            return redirect("admin:index" if membership.is_vendor_staff else "portal:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": existing},
    )


@requires("portal.team.manage")
def team(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    form = PartnerInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                partner=membership.partner,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:team")
    tenant, partner = request.tenant, own_partner(request)
    return render(
        request,
        "accounts/team.html",
        {
            "form": form,
            "members": selectors.members_of_partner(tenant=tenant, partner=partner),
            "role_choices": [(r.value, r.label) for r in Role if r in PARTNER_ROLES],
            "invitations": selectors.invitations_of_partner(tenant=tenant, partner=partner),
        },
    )


def _team_invitation(request: TenantRequest, pk: int) -> Invitation:
    return get_object_or_404(
        selectors.invitations_of_partner(tenant=request.tenant, partner=own_partner(request)),
        pk=pk,
    )


def _team_member(request: TenantRequest, pk: int) -> Membership:
    return get_object_or_404(
        selectors.members_of_partner(tenant=request.tenant, partner=own_partner(request)),
        pk=pk,
    )


@require_POST
@requires("portal.team.manage")
def team_invitation_revoke(request: TenantRequest, pk: int) -> HttpResponse:
    invitation = _team_invitation(request, pk)
    services.invitation_revoke(
        actor=request.membership,
        invitation=invitation,
        ip=client_ip(request),
    )
    messages.success(
        request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
    )
    return redirect("accounts:team")


@require_POST
@requires("portal.team.manage")
def team_invitation_resend(request: TenantRequest, pk: int) -> HttpResponse:
    invitation = _team_invitation(request, pk)
    services.invitation_resend(
        actor=request.membership,
        invitation=invitation,
        ip=client_ip(request),
    )
    messages.success(
        request, _("The invitation to %(email)s was sent again.") % {"email": invitation.email}
    )
    return redirect("accounts:team")


@require_POST
@requires("portal.team.manage")
def team_member_role(request: TenantRequest, pk: int) -> HttpResponse:
    member = _team_member(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered roles."))
        return redirect("accounts:team")
    try:
        services.membership_change_role(
            actor=request.membership,
            membership=member,
            role=form.cleaned_data["role"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": member.user, "role": Role(form.cleaned_data["role"]).label.lower()},
        )
    return redirect("accounts:team")


@requires("portal.team.manage")
def team_member_deactivate(request: TenantRequest, pk: int) -> HttpResponse:
    member = _team_member(request, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_deactivate(
                actor=request.membership,
                membership=member,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("%(user)s can no longer sign in.") % {"user": member.user})
            return redirect("accounts:team")
    return render(request, "accounts/team_member_deactivate.html", {"member": member, "form": form})
