"""Leads the vendor sent to the partner company: the list, one lead, accept or decline it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, posted

from ..forms import DeclineLeadForm
from ..models import Lead
from ..selectors import leads_for, may_see
from ..services import lead_accept, lead_decline, lead_open
from .common import error_text, lead_of

PAGE_SIZE = 25


@requires("portal.deals")
def lead_list(request: TenantRequest) -> HttpResponse:
    leads = leads_for(membership=request.membership)
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deals/lead_list.html", {"page": page, "now": timezone.now()})


def _lead_page(request: TenantRequest, lead: Lead, form: DeclineLeadForm) -> HttpResponse:
    return render(
        request,
        "deals/lead_detail.html",
        {
            "lead": lead,
            "form": form,
            "answerable": lead.status == Lead.Status.ASSIGNED,
            "deal_visible": may_see(request.membership, lead.deal),
            "now": timezone.now(),
        },
    )


@requires("portal.deals")
def lead_detail(request: TenantRequest, pk: int) -> HttpResponse:
    lead = lead_of(request, pk)
    if lead.status == Lead.Status.ASSIGNED:
        lead = lead_open(actor=request.membership, lead=lead)
    return _lead_page(request, lead, DeclineLeadForm())


@require_POST
@requires("portal.deals")
def accept(request: TenantRequest, pk: int) -> HttpResponse:
    lead = lead_of(request, pk)
    try:
        deal = lead_accept(actor=request.membership, lead=lead)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("deals:lead", lead.pk)
    messages.success(
        request,
        _("The lead is yours: %(ref)s is a draft. Complete the registration and submit it.")
        % {"ref": deal.reference},
    )
    return redirect("deals:edit", deal.pk)


@requires("portal.deals")
def decline(request: TenantRequest, pk: int) -> HttpResponse:
    lead = lead_of(request, pk)
    form = DeclineLeadForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lead_decline(
                actor=request.membership,
                lead=lead,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, error_text(exc))
                return redirect("deals:lead", lead.pk)
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The lead %(customer)s is declined: the vendor will route it to another partner.")
                % {"customer": lead.customer_name},
            )
            return redirect("deals:leads")
    return _lead_page(request, lead, form)
