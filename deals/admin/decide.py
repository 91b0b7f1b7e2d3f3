"""Deciding a registration in the vendor admin UI: approve, reject, ask for more information,
mark won or lost, and decide its extension requests, each on a page of its own (`urls`).

Every page: the member needs `deals.approve` (403), the registration must be one they see
(`vendor_deals_for`: 404 otherwise, exactly like a missing one), its status must allow the action
(else a message and back to the decision screen), and one service does the work; its errors are
shown beside their field or at the top of the form, and nothing is changed.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from prm.forms import errors_to_form
from prm.tenancy.admin_sites import tenant_admin_site
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, posted, tenant_of
from prm.workflow import TransitionError

from .. import services
from ..models import Deal, DealExtension, DealSettings
from ..selectors import deal_settings_for, reject_reasons_for, vendor_deals_for
from ..workflow import DEALS
from .common import object_pk
from .forms import (
    ApproveForm,
    ExtensionDecisionForm,
    LostForm,
    RejectForm,
    RequestInfoForm,
    WonForm,
)

# Shared steps


def _deal(request: HttpRequest, object_id: str) -> Deal:
    """The registration, if the member sees it; anything else answers 404."""
    deals = vendor_deals_for(membership=membership_of(request))
    return get_object_or_404(deals, pk=object_pk(object_id))


def _refusal(request: HttpRequest, deal: Deal, action: str) -> HttpResponse | None:
    """Back to the decision screen with why, when the registration's status refuses `action`."""
    try:
        DEALS.require(deal, action)
    except TransitionError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect("admin:deals_deal_change", deal.pk)
    return None


def _page(
    request: HttpRequest, deal: Deal, title: str, form: Any, template: str, **extra: Any
) -> HttpResponse:
    context = {
        **tenant_admin_site.each_context(request),
        "title": title,
        "object": deal,
        "opts": Deal._meta,
        "form": form,
        **extra,
    }
    request.current_app = tenant_admin_site.name
    return TemplateResponse(request, f"admin/deals/deal/{template}.html", context)


def _done(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("admin:deals_deal_changelist")


# The pages


@requires("deals.approve")
def approve(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "approve"):
        return refusal
    rule = deal_settings_for(tenant_of(request)).engagement_rule
    may_supersede = deal.is_conflict and rule == DealSettings.Engagement.CAM_DECIDES
    form = ApproveForm(posted(request), may_supersede=may_supersede)
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_approve(
                actor=membership_of(request),
                deal=deal,
                note=form.cleaned_data["note"],
                supersede=form.cleaned_data.get("supersede", False),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _done(
                request,
                _("%(deal)s is approved; the partner is told.") % {"deal": deal},
            )
    title = _("Approve %(deal)s") % {"deal": deal}
    return _page(request, deal, title, form, "approve", may_supersede=may_supersede)


@requires("deals.approve")
def reject(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "reject"):
        return refusal
    form = RejectForm(posted(request), reasons=reject_reasons_for(tenant_of(request)))
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_reject(
                actor=membership_of(request),
                deal=deal,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _done(
                request,
                _("%(deal)s is rejected; the partner is told why.") % {"deal": deal},
            )
    title = _("Reject %(deal)s") % {"deal": deal}
    return _page(request, deal, title, form, "reject")


@requires("deals.approve")
def request_info(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "request_info"):
        return refusal
    form = RequestInfoForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_request_info(
                actor=membership_of(request), deal=deal, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _done(
                request,
                _("%(deal)s is sent back to the partner with your question.") % {"deal": deal},
            )
    title = _("Ask for more information about %(deal)s") % {"deal": deal}
    return _page(request, deal, title, form, "request_info")


@requires("deals.approve")
def won(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "win"):
        return refusal
    form = WonForm(posted(request), initial={"amount": deal.amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_mark_won(
                actor=membership_of(request),
                deal=deal,
                amount=form.cleaned_data["amount"],
                closed_on=form.cleaned_data["closed_on"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _done(request, _("%(deal)s is won.") % {"deal": deal})
    title = _("Mark %(deal)s won") % {"deal": deal}
    return _page(request, deal, title, form, "won")


@requires("deals.approve")
def lost(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "lose"):
        return refusal
    form = LostForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_mark_lost(
                actor=membership_of(request), deal=deal, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _done(request, _("%(deal)s is lost.") % {"deal": deal})
    title = _("Mark %(deal)s lost") % {"deal": deal}
    return _page(request, deal, title, form, "lost")


@requires("deals.approve")
def extension(request: HttpRequest, object_id: str, extension_id: int) -> HttpResponse:
    deal = _deal(request, object_id)
    found = get_object_or_404(
        DealExtension.objects.filter(tenant_id=deal.tenant_id, deal=deal), pk=extension_id
    )
    if found.status != DealExtension.Status.PENDING:
        messages.warning(request, _("This extension request was already decided."))
        return redirect("admin:deals_deal_change", deal.pk)
    form = ExtensionDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.extension_decide(
                actor=membership_of(request),
                extension=found,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            done = (
                _("The extension of %(deal)s is approved; the partner is told.")
                if approve
                else _("The extension of %(deal)s is declined; the partner is told why.")
            )
            messages.success(request, done % {"deal": deal})
            return redirect("admin:deals_deal_change", deal.pk)
    title = _("Extension of %(deal)s") % {"deal": deal}
    return _page(request, deal, title, form, "extension", extension=found)
