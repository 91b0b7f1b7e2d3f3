"""A claim in the portal: start it from an approved request, change it (spend, results, the
deals that came from the campaign, one proof file per save), submit it; its page shows what can
be reimbursed, the decision and its reason, and the payment."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, posted
from prm.uploads.handler import accepts_uploads

from ..access import may_request
from ..forms import ClaimForm
from ..models import CampaignDeal, Claim, MdfRequest, ProofFile
from ..portal import campaign_deals, claim_of, deals_to_link, next_step, reimbursable
from ..services.claims import claim_save, claim_start_refusal, claim_submit, may_delete_proof
from ..services.requests import tenant_today
from ..workflow import CLAIMS
from .common import claim_for, error_text, request_of


def _form_page(
    request: TenantRequest, *, mdf_request: MdfRequest, claim: Claim | None
) -> HttpResponse:
    membership = request.membership
    draft = request.method == "POST" and request.POST.get("action") != "submit"
    initial: dict[str, Any] = {}
    if claim is not None:
        linked = list(
            CampaignDeal.objects.filter(
                tenant_id=mdf_request.tenant_id, request=mdf_request
            ).values_list("deal_id", flat=True)
        )
        initial = ClaimForm.initial_for(claim, linked)
    form = ClaimForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        deals=deals_to_link(membership, mdf_request),
        currency=mdf_request.currency,
        draft=draft,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        submit = not draft
        try:
            saved = claim_save(
                actor=membership,
                request=mdf_request,
                data=form.claim_input(),
                deals=form.cleaned_data["deals"],
                proof=form.cleaned_data.get("proof") or None,
                claim=claim,
                submit=submit,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if submit:
                messages.success(
                    request,
                    _("Claim %(ref)s is submitted: your account manager reviews it.")
                    % {"ref": saved.reference},
                )
            else:
                messages.success(
                    request,
                    _("Claim %(ref)s is saved. Submit it with its proof when it is complete.")
                    % {"ref": saved.reference},
                )
            return redirect("mdf:claim", saved.pk)
    proofs = list(claim.proofs.select_related("uploaded_by__user")) if claim else []
    return render(
        request,
        "mdf/claim_form.html",
        {
            "form": form,
            "mdf_request": mdf_request,
            "fund": mdf_request.fund,
            "claim": claim,
            "proofs": proofs,
            "title": _("Change %(ref)s") % {"ref": claim.reference}
            if claim is not None
            else _("File a claim for %(ref)s") % {"ref": mdf_request.reference},
        },
    )


def _request_kwarg(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The URL names the request as `request` (the parts of MDF agreed on `mdf:claim_new` with
    kwargs `request`), which every view decorator takes for the HTTP request: this outermost
    wrapper takes the HTTP request positionally and hands the id on as `request_pk`."""

    @wraps(view)
    def shim(http_request: TenantRequest, /, **kwargs: Any) -> HttpResponse:
        if "request" in kwargs:
            kwargs["request_pk"] = kwargs.pop("request")
        return view(http_request, **kwargs)

    return shim


@_request_kwarg
@accepts_uploads(ClaimForm)
@requires("portal.mdf")
def claim_new(request: TenantRequest, request_pk: int) -> HttpResponse:
    mdf_request = request_of(request, request_pk)
    existing = claim_of(mdf_request)
    if existing is not None:
        return redirect("mdf:claim", existing.pk)
    refusal = claim_start_refusal(mdf_request)
    if refusal or not may_request(request.membership):
        messages.error(request, refusal or _("Only your company's admins file claims."))
        return redirect("mdf:request", mdf_request.pk)
    return _form_page(request, mdf_request=mdf_request, claim=None)


@accepts_uploads(ClaimForm)
@requires("portal.mdf")
def claim_edit(request: TenantRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    if not CLAIMS.allowed(claim, "edit") or not may_request(request.membership):
        messages.error(
            request,
            _("A claim that is %(status)s cannot be changed.")
            % {"status": claim.get_status_display().lower()},
        )
        return redirect("mdf:claim", claim.pk)
    return _form_page(request, mdf_request=claim.request, claim=claim)


@requires("portal.mdf")
def claim_detail(request: TenantRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    membership = request.membership
    mdf_request = claim.request
    mdf_request.tenant = request.tenant
    mdf_request.claim = claim  # fetched already: no query for it
    fund = mdf_request.fund
    proofs = list(
        ProofFile.objects.filter(tenant_id=claim.tenant_id, claim=claim).select_related(
            "uploaded_by__user"
        )
    )
    working = may_request(membership)
    for proof in proofs:
        proof.deletable = may_delete_proof(membership, proof, claim, requester=working)  # type: ignore[attr-defined]
    context = {
        "claim": claim,
        "mdf_request": mdf_request,
        "fund": fund,
        "proofs": proofs,
        "deals": campaign_deals(mdf_request),
        "reimbursable": reimbursable(claim, mdf_request, fund),
        "step": next_step(mdf_request, tenant_today(request.tenant)),
        "can": {a: working and CLAIMS.allowed(claim, a) for a in ("edit", "submit")},
    }
    return render(request, "mdf/claim_detail.html", context)


@require_POST
@requires("portal.mdf")
def claim_submit_view(request: TenantRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    try:
        claim = claim_submit(actor=request.membership, claim=claim)
    except PermissionDenied:
        messages.error(request, _("Only your company's admins file claims."))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Claim %(ref)s is submitted: your account manager reviews it.")
            % {"ref": claim.reference},
        )
    return redirect("mdf:claim", claim.pk)
