"""Registering a deal: the form (new and edit), and the conflict pre-check shown while typing."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.agreements.selectors import agreement_gate
from partners.models import Partner
from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, own_partner, posted

from .. import workflow
from ..conflicts import Verdict
from ..conflicts import precheck as conflict_precheck
from ..forms import DealForm, PrecheckQuery
from ..models import Deal
from ..selectors import deals_for, may_see, products_offered
from ..services import deal_save
from ..services.access import AgreementRequired
from .common import deal_of

#: the longest name and website the pre-check looks at (the form's own limits)
_NAME_MAX, _WEBSITE_MAX = 200, 253


def _partner(request: TenantRequest) -> Partner:
    partner = own_partner(request)
    assert isinstance(partner, Partner)
    return partner


def _form(request: TenantRequest, *, initial: dict[str, Any], deal: Deal | None = None) -> DealForm:
    form = DealForm(posted(request), products=products_offered(request.tenant), initial=initial)
    # The pre-check listens to the two customer fields (htmx; without JavaScript the form
    # works the same and the verdict shows after submitting).
    url = reverse("deals:precheck")
    if deal is not None:
        url += f"?deal={deal.pk}"
    for name in ("customer_name", "customer_website"):
        form.fields[name].widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#precheck",
                "hx-include": "[name=customer_name],[name=customer_website]",
                "hx-sync": "closest form:replace",
                "autocomplete": "off",
            }
        )
    return form


def _save(request: TenantRequest, form: DealForm, deal: Deal | None) -> HttpResponse | None:
    """Save (and with the "Submit registration" button, submit) in one service call; the detail
    page on success, the agreement gate when the company must first accept the agreement, None
    when the service refused otherwise (its errors are then beside the fields)."""
    submit = request.POST.get("action") == "submit"
    try:
        saved = deal_save(
            actor=request.membership, data=form.deal_input(), deal=deal, submit=submit
        )
    except AgreementRequired:
        return render(request, "deals/deal_gate.html")
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None
    if submit:
        messages.success(
            request,
            _("Registration %(ref)s is submitted: your account manager decides on it.")
            % {"ref": saved.reference},
        )
    else:
        messages.success(
            request,
            _("Draft %(ref)s is saved. Submit it when it is complete.") % {"ref": saved.reference},
        )
    return redirect("deals:detail", saved.pk)


def _page(request: TenantRequest, form: DealForm, deal: Deal | None) -> HttpResponse:
    return render(
        request,
        "deals/deal_form.html",
        {
            "form": form,
            "deal": deal,
            "title": _("Change %(ref)s") % {"ref": deal.reference}
            if deal
            else _("Register a deal"),
        },
    )


@requires("portal.deals")
def create(request: TenantRequest) -> HttpResponse:
    # A valid POST goes to the service, which checks the agreement gate itself (and `_save`
    # shows the gate page when it refuses): asking here as well would read it twice.
    form = _form(request, initial={"currency": request.tenant.default_currency})
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, None)
        if response is not None:
            return response
    if not agreement_gate(_partner(request)):
        return render(request, "deals/deal_gate.html")
    return _page(request, form, None)


@requires("portal.deals")
def edit(request: TenantRequest, pk: int) -> HttpResponse:
    deal = deal_of(request, pk)
    if not workflow.allowed(deal, "edit"):
        messages.error(
            request,
            _("A registration that is %(status)s cannot be changed.")
            % {"status": deal.get_status_display().lower()},
        )
        return redirect("deals:detail", deal.pk)
    form = _form(request, initial=DealForm.initial_for(deal), deal=deal)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, deal)
        if response is not None:
            return response
    return _page(request, form, deal)


def verdict_context(request: TenantRequest, verdict: Verdict) -> dict[str, Any]:
    """What the verdict template shows: the outcome, the date, and the company's own deal
    (linked only when the member may open it)."""
    own = verdict.own_deal
    return {
        "verdict": verdict,
        "own_reference": own.reference if own is not None else "",
        "own_link": own is not None and may_see(request.membership, own),
        "own_pk": own.pk if own is not None else None,
    }


@requires("portal.deals")
def precheck(request: TenantRequest) -> HttpResponse:
    """The conflict pre-check for the two customer fields: a partial for htmx, a page without."""
    query = PrecheckQuery(request.GET).values()
    name = query["customer_name"][:_NAME_MAX]
    website = query["customer_website"][:_WEBSITE_MAX]
    exclude = None
    if query["deal"] is not None:
        # Only one of the member's own deals may be left out of the check.
        exclude = get_object_or_404(deals_for(membership=request.membership), pk=query["deal"]).pk
    context: dict[str, Any] = {"verdict": None}
    if name or website:
        verdict = conflict_precheck(
            tenant=request.tenant,
            name=name,
            website=website,
            partner_id=_partner(request).pk,
            exclude_deal_id=exclude,
        )
        context = verdict_context(request, verdict)
    template = (
        "deals/_precheck.html" if request.headers.get("HX-Request") else "deals/precheck.html"
    )
    return render(request, template, {**context, "name": name, "website": website})
