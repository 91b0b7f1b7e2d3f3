"""The partner's company page in the portal: its profile and its channel account managers;
partner admins change the profile (logo, description, address, website)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control

from prm.forms import Form, form_call
from prm.security.client_ip import client_ip
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, own_partner, posted
from prm.tenancy.validators import LOGO, reencode_logo
from prm.uploads.checks import size_label
from prm.uploads.fields import UploadField
from prm.uploads.handler import accepts_uploads
from prm.uploads.private import stored_image_response

from ..models import Partner
from ..selectors import assigned_cams
from ..services import partner_profile_update


def _partner(request: TenantRequest) -> Partner:
    partner = own_partner(request)
    assert isinstance(partner, Partner)
    return partner


class CompanyProfileForm(Form):
    """What a partner admin keeps up to date about their company."""

    submit_once = True

    logo = UploadField(
        label=gettext_lazy("Logo"),
        rule=LOGO,
        required=False,
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the current logo"), required=False)
    description = forms.CharField(
        label=gettext_lazy("About the company"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What your company does and for whom, in a few sentences."),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=gettext_lazy("Street, postal code and city, one per line."),
    )
    website = forms.URLField(
        label=gettext_lazy("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _(
            "PNG, JPEG or WebP, at most %(size)s and %(side)d pixels on a side. It is shown to "
            "your colleagues and to the vendor's staff, not to other partners."
        ) % {"size": size_label(LOGO.max_bytes), "side": LOGO.max_side}

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        # Checked by the UploadField (kind, size, pixels) before anything is decoded; stored
        # re-encoded, so the file kept is exactly an image.
        return reencode_logo(logo) if logo else None


@requires("portal.access")
def company(request: TenantRequest) -> HttpResponse:
    """Every partner user sees the profile and who their CAMs are; admins may change it."""
    partner = _partner(request)
    return render(
        request,
        "partners/company.html",
        {
            "partner": partner,
            "cams": list(assigned_cams(partner=partner).order_by("user__full_name", "user__email")),
            "may_edit": request.membership.can("portal.company.edit"),
        },
    )


@requires("portal.company.edit")
@accepts_uploads(CompanyProfileForm)
def company_edit(request: TenantRequest) -> HttpResponse:
    partner = _partner(request)
    initial = {name: getattr(partner, name) for name in ("description", "address", "website")}
    form = CompanyProfileForm(posted(request), request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = form_call(
            form,
            partner_profile_update,
            actor=request.membership,
            partner=partner,
            description=data["description"],
            address=data["address"],
            website=data["website"],
            logo=data["logo"],
            remove_logo=data["remove_logo"],
            ip=client_ip(request),
        )
        if changed is not None:
            if changed:
                messages.success(request, _("Your company profile is saved."))
            else:
                messages.info(request, _("Nothing changed in your company profile."))
            return redirect("partners:company")
    return render(request, "partners/company_form.html", {"partner": partner, "form": form})


@requires("portal.access")
@cache_control(private=True, max_age=300)
def company_logo(request: TenantRequest) -> HttpResponseBase:
    """The member's own company's logo, read through the storage API; no other company's is
    reachable here, and nothing of it is under a public URL."""
    return stored_image_response(_partner(request).logo)
