"""The partner agreement in the portal: read the current version, accept it (admins)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.forms import Form
from prm.security.client_ip import client_ip
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, own_partner, posted

from ..agreements.selectors import acceptance_of, current_agreement
from ..agreements.services import agreement_accept
from ..models import Partner


class AcceptForm(Form):
    submit_once = True

    confirm = forms.BooleanField(
        label=gettext_lazy("I have read the agreement and accept it on behalf of my company.")
    )


@requires("portal.access")
def agreement(request: TenantRequest) -> HttpResponse:
    partner = own_partner(request)
    assert isinstance(partner, Partner)
    current = current_agreement(request.tenant)
    form = AcceptForm(posted(request))
    if request.method == "POST" and current is not None and form.is_valid():
        try:
            agreement_accept(actor=request.membership, agreement=current, ip=client_ip(request))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Thank you: the agreement is accepted for your company."))
        return redirect("partners:agreement")
    return render(
        request,
        "partners/agreement.html",
        {
            "agreement": current,
            "acceptance": acceptance_of(partner, current),
            "form": form,
            "may_accept": request.membership.can("portal.agreement.accept"),
        },
    )
