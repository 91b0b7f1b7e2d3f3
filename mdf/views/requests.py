"""A request for funds in the portal: the form (new and edit; Save draft or Submit), its page
(everything asked, the decision and its reason, the timeline, what can be done now), submit and
withdraw (confirmed).

Each action is one service call; a refusal changes nothing and is said beside its field or as a
message on the request's page.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, posted

from ..access import allocations_visible_to, may_request
from ..forms import RequestForm, WithdrawForm
from ..models import Allocation, Fund, MdfRequest
from ..portal import campaign_deals, claim_of, next_step, reimbursable, timeline
from ..roi import request_roi
from ..services.claims import claim_start_refusal
from ..services.requests import request_save, request_submit, request_withdraw, tenant_today
from ..workflow import REQUESTS
from .common import error_text, request_of

#: the buttons of the request's page, by workflow action
ACTIONS = ("edit", "submit", "withdraw")


def _answers(mdf_request: MdfRequest) -> dict[int, str]:
    return {a.question_id: a.value for a in mdf_request.answers.all()}


def _form_page(
    request: TenantRequest,
    *,
    fund: Fund,
    allocation: Allocation,
    mdf_request: MdfRequest | None,
) -> HttpResponse:
    questions = list(fund.questions.all())
    draft = request.method == "POST" and request.POST.get("action") != "submit"
    initial: dict[str, Any] = {}
    if mdf_request is not None:
        initial = RequestForm.initial_for(mdf_request, _answers(mdf_request))
    form = RequestForm(
        posted(request), fund=fund, questions=questions, draft=draft, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        submit = not draft
        try:
            saved = request_save(
                actor=request.membership,
                fund=fund,
                data=form.request_input(),
                answers=form.answers(),
                request=mdf_request,
                submit=submit,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if submit:
                messages.success(
                    request,
                    _("Request %(ref)s is submitted: your account manager decides on it.")
                    % {"ref": saved.reference},
                )
            else:
                messages.success(
                    request,
                    _("Draft %(ref)s is saved. Submit it when it is complete.")
                    % {"ref": saved.reference},
                )
            return redirect("mdf:request", saved.pk)
    title = (
        _("Change %(ref)s") % {"ref": mdf_request.reference}
        if mdf_request is not None
        else _("Request funds from %(fund)s") % {"fund": fund.name}
    )
    return render(
        request,
        "mdf/request_form.html",
        {
            "form": form,
            "fund": fund,
            "allocation": allocation,
            "mdf_request": mdf_request,
            "title": title,
        },
    )


@requires("portal.mdf")
def request_new(request: TenantRequest, fund: int) -> HttpResponse:
    # The fund is found among the company's allocations: another company's fund, or one the
    # company has no share of, answers 404.
    allocation = get_object_or_404(
        allocations_visible_to(request.membership).select_related("fund"), fund_id=fund
    )
    if not may_request(request.membership):
        raise PermissionDenied
    return _form_page(request, fund=allocation.fund, allocation=allocation, mdf_request=None)


@requires("portal.mdf")
def request_edit(request: TenantRequest, pk: int) -> HttpResponse:
    mdf_request = request_of(request, pk)
    if not REQUESTS.allowed(mdf_request, "edit") or not may_request(request.membership):
        messages.error(
            request,
            _("A request that is %(status)s cannot be changed.")
            % {"status": mdf_request.get_status_display().lower()},
        )
        return redirect("mdf:request", mdf_request.pk)
    allocation = Allocation.objects.get(pk=mdf_request.allocation_id)
    return _form_page(
        request, fund=mdf_request.fund, allocation=allocation, mdf_request=mdf_request
    )


@requires("portal.mdf")
def request_detail(request: TenantRequest, pk: int) -> HttpResponse:
    mdf_request = request_of(request, pk)
    membership = request.membership
    tenant = request.tenant
    mdf_request.tenant = tenant
    fund = mdf_request.fund
    claim = claim_of(mdf_request)
    questions = list(fund.questions.all())
    answers = _answers(mdf_request)
    working = may_request(membership)
    approved = mdf_request.status == MdfRequest.Status.APPROVED
    refusal = claim_start_refusal(mdf_request) if approved and claim is None else ""
    can_claim = working and approved and claim is None and not refusal
    context: dict[str, Any] = {
        "mdf_request": mdf_request,
        "fund": fund,
        "claim": claim,
        "answers": [(q, answers.get(q.pk, "")) for q in questions],
        "timeline": timeline(mdf_request, claim),
        "step": next_step(mdf_request, tenant_today(tenant)),
        "can": {a: working and REQUESTS.allowed(mdf_request, a) for a in ACTIONS},
        "can_claim": can_claim,
        "claim_refusal": refusal,
        "deals": campaign_deals(mdf_request) if approved else [],
        "roi": request_roi(mdf_request) if approved else None,
        "reimbursable": reimbursable(claim, mdf_request, fund) if claim is not None else None,
        "company_view": membership.can("portal.mdf.company"),
    }
    return render(request, "mdf/request_detail.html", context)


@require_POST
@requires("portal.mdf")
def request_submit_view(request: TenantRequest, pk: int) -> HttpResponse:
    mdf_request = request_of(request, pk)
    try:
        mdf_request = request_submit(actor=request.membership, request=mdf_request)
    except PermissionDenied:
        messages.error(request, _("Only your company's admins file requests for funds."))
        return redirect("mdf:request", mdf_request.pk)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            # What is missing, each with its field: the form opens to complete it.
            messages.error(request, _missing_text(mdf_request, exc))
            return redirect("mdf:request_edit", mdf_request.pk)
        messages.error(request, error_text(exc))
        return redirect("mdf:request", mdf_request.pk)
    messages.success(
        request,
        _("Request %(ref)s is submitted: your account manager decides on it.")
        % {"ref": mdf_request.reference},
    )
    return redirect("mdf:request", mdf_request.pk)


def _missing_text(mdf_request: MdfRequest, exc: ValidationError) -> str:
    """What keeps the request from being submitted, each with its field's label."""
    fund = mdf_request.fund
    form = RequestForm(fund=fund, questions=list(fund.questions.all()))
    parts = []
    for name, errors in exc.message_dict.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None else ""
        parts.append(label + " ".join(errors))
    return _("Complete the request before submitting it. %(missing)s") % {
        "missing": " ".join(parts)
    }


@require_http_methods(["GET", "POST"])
@requires("portal.mdf")
def request_withdraw_view(request: TenantRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (with an optional reason); POST withdraws."""
    mdf_request = request_of(request, pk)
    if not REQUESTS.allowed(mdf_request, "withdraw") or not may_request(request.membership):
        messages.error(
            request,
            _("A request that is %(status)s cannot be withdrawn.")
            % {"status": mdf_request.get_status_display().lower()},
        )
        return redirect("mdf:request", mdf_request.pk)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            request_withdraw(
                actor=request.membership, request=mdf_request, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            text = error_text(exc) if isinstance(exc, ValidationError) else ""
            messages.error(request, text or _("You cannot withdraw this request."))
        else:
            messages.success(
                request, _("Request %(ref)s is withdrawn.") % {"ref": mdf_request.reference}
            )
        return redirect("mdf:request", mdf_request.pk)
    return render(request, "mdf/request_withdraw.html", {"mdf_request": mdf_request, "form": form})
