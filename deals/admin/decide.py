"""Deciding a registration in the vendor admin UI: approve, reject, ask for more information,
mark won or lost, and decide its extension requests, each on a page of its own (`urls`).

Every page: the member needs `deals.approve` (403), the registration must be one they see
(`vendor_deals_for`: 404 otherwise, exactly like a missing one), its status must allow the action
(else a message and back to the decision screen), and one service does the work; its errors are
shown beside their field or at the top of the form, and nothing is changed.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from prm.tenancy.admin_ui import Done, form_page
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, tenant_of
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


def _done(text: str) -> Done:
    """Decided: back to the list of registrations."""
    return Done(text, "admin:deals_deal_changelist")


# The pages


@requires("deals.approve")
def approve(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "approve"):
        return refusal
    rule = deal_settings_for(tenant_of(request)).engagement_rule
    may_supersede = deal.is_conflict and rule == DealSettings.Engagement.CAM_DECIDES

    def approve_deal(form: ApproveForm) -> Done:
        services.deal_approve(
            actor=membership_of(request),
            deal=deal,
            note=form.cleaned_data["note"],
            supersede=form.cleaned_data.get("supersede", False),
        )
        return _done(_("%(deal)s is approved; the partner is told.") % {"deal": deal})

    return form_page(
        request,
        title=_("Approve %(deal)s") % {"deal": deal},
        template="admin/deals/deal/approve.html",
        obj=deal,
        form_class=ApproveForm,
        form_kwargs={"may_supersede": may_supersede},
        on_valid=approve_deal,
        context={"may_supersede": may_supersede},
    )


@requires("deals.approve")
def reject(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "reject"):
        return refusal

    def reject_deal(form: RejectForm) -> Done:
        services.deal_reject(
            actor=membership_of(request),
            deal=deal,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        return _done(_("%(deal)s is rejected; the partner is told why.") % {"deal": deal})

    return form_page(
        request,
        title=_("Reject %(deal)s") % {"deal": deal},
        template="admin/deals/deal/reject.html",
        obj=deal,
        form_class=RejectForm,
        form_kwargs={"reasons": reject_reasons_for(tenant_of(request))},
        on_valid=reject_deal,
    )


@requires("deals.approve")
def request_info(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "request_info"):
        return refusal

    def ask(form: RequestInfoForm) -> Done:
        services.deal_request_info(
            actor=membership_of(request), deal=deal, message=form.cleaned_data["message"]
        )
        return _done(_("%(deal)s is sent back to the partner with your question.") % {"deal": deal})

    return form_page(
        request,
        title=_("Ask for more information about %(deal)s") % {"deal": deal},
        template="admin/deals/deal/request_info.html",
        obj=deal,
        form_class=RequestInfoForm,
        on_valid=ask,
    )


@requires("deals.approve")
def won(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "win"):
        return refusal

    def mark_won(form: WonForm) -> Done:
        services.deal_mark_won(
            actor=membership_of(request),
            deal=deal,
            amount=form.cleaned_data["amount"],
            closed_on=form.cleaned_data["closed_on"],
        )
        return _done(_("%(deal)s is won.") % {"deal": deal})

    return form_page(
        request,
        title=_("Mark %(deal)s won") % {"deal": deal},
        template="admin/deals/deal/won.html",
        obj=deal,
        form_class=WonForm,
        form_kwargs={"initial": {"amount": deal.amount}},
        on_valid=mark_won,
    )


@requires("deals.approve")
def lost(request: HttpRequest, object_id: str) -> HttpResponse:
    deal = _deal(request, object_id)
    if refusal := _refusal(request, deal, "lose"):
        return refusal

    def mark_lost(form: LostForm) -> Done:
        services.deal_mark_lost(
            actor=membership_of(request), deal=deal, reason=form.cleaned_data["reason"]
        )
        return _done(_("%(deal)s is lost.") % {"deal": deal})

    return form_page(
        request,
        title=_("Mark %(deal)s lost") % {"deal": deal},
        template="admin/deals/deal/lost.html",
        obj=deal,
        form_class=LostForm,
        on_valid=mark_lost,
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
        context={"extension": found},
    )
