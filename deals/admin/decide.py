"""Deciding a registration in the vendor admin UI: approve, reject, ask for more information,
mark won or lost, and decide its extension requests, each on a page of its own (`urls`).

Every page: the member needs `deals.approve` (403), the registration must be one they see
(`vendor_deals_for`: 404 otherwise, exactly like a missing one), its status must allow the action
(else a message and back to the decision screen), and one service does the work; its errors are
shown beside their field or at the top of the form, and nothing is changed.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.ui import Done, decision_page, form_page

from .. import services
from ..models import Deal, DealExtension, DealSettings
from ..selectors import deal_settings_for, reject_reasons_for, vendor_deals_for
from ..services.decisions import approval_blocker
from ..workflow import DEALS
from .common import object_pk
from .forms import (
    AmountForm,
    ApproveForm,
    ExtensionDecisionForm,
    LostForm,
    RejectForm,
    ReopenForm,
    RequestInfoForm,
    WonForm,
)
from .screen import summary_context

FormT = TypeVar("FormT", bound=forms.BaseForm)

# Shared steps


def _deal(request: HttpRequest, object_id: str) -> Deal:
    """The registration, if the member sees it; anything else answers 404."""
    deals = vendor_deals_for(membership=membership_of(request))
    return get_object_or_404(deals, pk=object_pk(object_id))


def _decision_page(
    request: HttpRequest,
    object_id: str,
    *,
    action: str,
    form_class: type[FormT],
    decide: Callable[[Membership, Deal, dict[str, Any]], object],
    title: str,
    done: str,
    form_kwargs: Callable[[Deal], Mapping[str, Any]] | None = None,
    context: Callable[[Deal], Mapping[str, Any]] | None = None,
) -> HttpResponse:
    """One decision on one registration: resolve it (404), check its status allows `action`,
    then the form page whose valid form calls `decide(actor, deal, cleaned_data)`, the one
    service. `title` and `done` are sentences with `%(deal)s`; `form_kwargs` and `context` are
    made from the registration; the template is named after the page's URL
    (`admin:deals_deal_reject` → `admin/deals/deal/reject.html`) and extends
    `decision_page.html`, which opens on the registration's summary (`screen.summary_context`)
    and has Cancel (back to the registration)."""
    deal = _deal(request, object_id)
    page = request.resolver_match.url_name.removeprefix("deals_deal_")  # type: ignore[union-attr]
    return decision_page(
        request,
        deal,
        allowed=lambda: DEALS.require(deal, action),
        screen="admin:deals_deal_change",
        form_class=form_class,
        decide=lambda actor, data: decide(actor, deal, data),
        done=Done(done % {"deal": deal}, "admin:deals_deal_changelist"),
        title=title % {"deal": deal},
        template=f"admin/deals/deal/{page}.html",
        form_kwargs=form_kwargs(deal) if form_kwargs else None,
        context={**summary_context(request, deal), **(context(deal) if context else {})},
    )


# The pages


@requires("deals.approve")
def approve(request: HttpRequest, object_id: str) -> HttpResponse:
    deal_settings = deal_settings_for(tenant_of(request))
    rule = deal_settings.engagement_rule

    def may_supersede(deal: Deal) -> dict[str, bool]:
        return {"may_supersede": deal.is_conflict and rule == DealSettings.Engagement.CAM_DECIDES}

    def explain(deal: Deal) -> dict[str, Any]:
        # A registration the rules do not let the CAM approve now gets no active Approve button.
        return {
            **may_supersede(deal),
            "blocker": approval_blocker(deal),
            "protection_days": deal_settings.protection_days,
        }

    return _decision_page(
        request,
        object_id,
        action="approve",
        form_class=ApproveForm,
        decide=lambda actor, deal, data: services.deal_approve(
            actor=actor, deal=deal, note=data["note"], supersede=data.get("supersede", False)
        ),
        title=_("Approve %(deal)s"),
        done=_("%(deal)s is approved; the partner is told."),
        form_kwargs=may_supersede,
        context=explain,
    )


@requires("deals.approve")
def reject(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="reject",
        form_class=RejectForm,
        decide=lambda actor, deal, data: services.deal_reject(
            actor=actor, deal=deal, reason=data["reason"], note=data["note"]
        ),
        title=_("Reject %(deal)s"),
        done=_("%(deal)s is rejected; the partner is told why."),
        form_kwargs=lambda deal: {"reasons": reject_reasons_for(tenant_of(request))},
    )


@requires("deals.approve")
def request_info(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="request_info",
        form_class=RequestInfoForm,
        decide=lambda actor, deal, data: services.deal_request_info(
            actor=actor, deal=deal, message=data["message"]
        ),
        title=_("Ask for more information about %(deal)s"),
        done=_("%(deal)s is sent back to the partner with your question."),
    )


@requires("deals.approve")
def won(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="win",
        form_class=WonForm,
        decide=lambda actor, deal, data: services.deal_mark_won(
            actor=actor, deal=deal, amount=data["amount"], closed_on=data["closed_on"]
        ),
        title=_("Mark %(deal)s won"),
        done=_("%(deal)s is won."),
        form_kwargs=lambda deal: {"initial": {"amount": deal.amount}},
    )


@requires("deals.approve")
def lost(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="lose",
        form_class=LostForm,
        decide=lambda actor, deal, data: services.deal_mark_lost(
            actor=actor, deal=deal, reason=data["reason"]
        ),
        title=_("Mark %(deal)s lost"),
        done=_("%(deal)s is lost."),
    )


@requires("deals.approve")
def change_amount(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="change_amount",
        form_class=AmountForm,
        decide=lambda actor, deal, data: services.deal_change_amount(
            actor=actor, deal=deal, amount=data["amount"], reason=data["reason"]
        ),
        title=_("Correct the final amount of %(deal)s"),
        done=_("The final amount of %(deal)s is corrected."),
        form_kwargs=lambda deal: {"initial": {"amount": deal.won_amount}},
    )


@requires("deals.approve")
def reopen(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="reopen",
        form_class=ReopenForm,
        decide=lambda actor, deal, data: services.deal_reopen(
            actor=actor, deal=deal, reason=data["reason"]
        ),
        title=_("Reopen %(deal)s"),
        done=_("%(deal)s is open again."),
    )


@requires("deals.approve")
def extension(request: HttpRequest, object_id: str, extension_id: int) -> HttpResponse:
    deal = _deal(request, object_id)
    found = get_object_or_404(
        DealExtension.objects.filter(tenant_id=deal.tenant_id, deal=deal), pk=extension_id
    )
    if found.status != DealExtension.Status.PENDING:
        messages.warning(request, _("This extension request was already decided."))
        return redirect("admin:deals_deal_change", deal.pk)

    def decide(form: ExtensionDecisionForm) -> Done:
        approve = form.cleaned_data["decision"] == "approve"
        services.extension_decide(
            actor=membership_of(request),
            extension=found,
            approve=approve,
            note=form.cleaned_data["note"],
        )
        done = (
            _("The extension of %(deal)s is approved; the partner is told.")
            if approve
            else _("The extension of %(deal)s is declined; the partner is told why.")
        )
        return Done(done % {"deal": deal}, "admin:deals_deal_change", [deal.pk])

    return form_page(
        request,
        title=_("Extension of %(deal)s") % {"deal": deal},
        template="admin/deals/deal/extension.html",
        obj=deal,
        form_class=ExtensionDecisionForm,
        on_valid=decide,
        context={**summary_context(request, deal), "extension": found},
    )
