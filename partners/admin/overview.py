"""The partner page ("partner 360") in the vendor admin UI: everything about one partner company,
section by section from every app (`prm.workspace.partner_page`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.uploads.private import stored_image_response
from prm.workspace.partner_page import partner_sections
from prm.workspace.sites import tenant_admin_site
from prm.workspace.ui import badge

from .. import selectors
from ..models import Partner

#: the colour of a partner's status (`prm.workspace.ui.badge` kinds)
STATUS_KINDS: dict[str, str] = {
    Partner.Status.APPLICANT: "info",
    Partner.Status.ONBOARDING: "info",
    Partner.Status.ACTIVE: "high",
    Partner.Status.INACTIVE: "low",
    Partner.Status.OFFBOARDED: "low",
}


@requires("partners.view")
def partner_overview(request: HttpRequest, partner_id: int) -> HttpResponse:
    """One partner on one page; a CAM reaches only the partners assigned to them (404 else)."""
    membership = membership_of(request)
    partner = get_object_or_404(selectors.partners_for(membership=membership), pk=partner_id)
    sections = partner_sections(partner, membership)
    may_edit = membership.can("partners.manage")
    context = {
        **tenant_admin_site.each_context(request),
        "title": partner.name,
        "partner": partner,
        "status": badge(STATUS_KINDS.get(partner.status, "none"), partner.get_status_display()),
        "opts": Partner._meta,
        "list_url": reverse("admin:partners_partner_changelist"),
        "main": [s for s in sections if s.column == "main"],
        "side": [s for s in sections if s.column == "side"],
        "tools": [
            (
                _("Edit the profile") if may_edit else _("All details"),
                reverse("admin:partners_partner_change", args=[partner.pk]),
            ),
            (_("Onboarding"), reverse("admin:partners_partner_onboarding", args=[partner.pk])),
            (_("History"), reverse("admin:partners_partner_history", args=[partner.pk])),
        ],
    }
    request.current_app = tenant_admin_site.name
    return TemplateResponse(request, "admin/prm/partner_page.html", context)


@requires("partners.view")
@cache_control(private=True, max_age=300)
def partner_logo(request: HttpRequest, partner_id: int) -> HttpResponse:
    """The logo a partner's admins uploaded in the portal, for the staff who see that partner
    (a CAM: their partners only); files are never under a public URL."""
    partner = get_object_or_404(
        selectors.partners_for(membership=membership_of(request)), pk=partner_id
    )
    # A FileResponse is a streaming response, which the site's view wrapper passes through.
    return stored_image_response(partner.logo)  # type: ignore[return-value]


tenant_admin_site.register_view(
    "partners/partner/<int:partner_id>/overview/", partner_overview, "partners_partner_overview"
)
tenant_admin_site.register_view(
    "partners/partner/<int:partner_id>/logo.png", partner_logo, "partners_partner_logo"
)
