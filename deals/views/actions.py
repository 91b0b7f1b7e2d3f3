"""What a partner does with a registration: submit, withdraw, mark won or lost, ask for more time.

Each is one service call. A refusal (a status that does not allow it, bad input) changes nothing
and is said as a message, or beside the field it concerns; success says so and returns to the
registration's page.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.forms import errors_to_form
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, posted
from prm.workflow import TransitionError

from .. import services, workflow
from ..forms import ExtensionForm, LostForm, WithdrawForm, WonForm
from ..models import Deal
from ..selectors import deal_settings_for
from .common import deal_of, error_text


def _refused(request: TenantRequest, deal: Deal, exc: ValidationError) -> HttpResponse:
    messages.error(request, error_text(exc))
    return redirect("deals:detail", deal.pk)


def _not_allowed(request: TenantRequest, deal: Deal, action: str) -> HttpResponse | None:
    try:
        workflow.DEALS.require(deal, action)
    except TransitionError as exc:
        return _refused(request, deal, exc)
    return None


@require_POST
@requires("portal.deals")
def submit(request: TenantRequest, pk: int) -> HttpResponse:
    deal = deal_of(request, pk)
    try:
        deal = services.deal_submit(actor=request.membership, deal=deal)
    except ValidationError as exc:
        return _refused(request, deal, exc)
    messages.success(
        request,
        _("Registration %(ref)s is submitted: your account manager decides on it.")
        % {"ref": deal.reference},
    )
    return redirect("deals:detail", deal.pk)


@require_POST
@requires("portal.deals")
def withdraw(request: TenantRequest, pk: int) -> HttpResponse:
    deal = deal_of(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        deal = services.deal_withdraw(actor=request.membership, deal=deal, reason=reason)
    except ValidationError as exc:
        return _refused(request, deal, exc)
    messages.success(
        request,
        _("Registration %(ref)s is withdrawn: it no longer claims the customer.")
        % {"ref": deal.reference},
    )
    return redirect("deals:detail", deal.pk)


def _form_action(
    request: TenantRequest,
    pk: int,
    *,
    action: str,
    form: Callable[[Any], forms.Form],
    call: Callable[[Deal, dict[str, Any]], Any],
    done: str,
    title: str,
    intro: str,
    button: str,
) -> HttpResponse:
    """A page with a small form (won, lost, extension): the service on a valid POST."""
    deal = deal_of(request, pk)
    refusal = _not_allowed(request, deal, action)
    if refusal is not None:
        return refusal
    bound = form(posted(request))
    if request.method == "POST" and bound.is_valid():
        try:
            call(deal, bound.cleaned_data)
        except TransitionError as exc:
            return _refused(request, deal, exc)
        except ValidationError as exc:
            errors_to_form(bound, exc)
        else:
            messages.success(request, done % {"ref": deal.reference})
            return redirect("deals:detail", deal.pk)
    return render(
        request,
        "deals/deal_action.html",
        {"deal": deal, "form": bound, "title": title, "intro": intro, "button": button},
    )


@requires("portal.deals")
def won(request: TenantRequest, pk: int) -> HttpResponse:
    return _form_action(
        request,
        pk,
        action="win",
        form=lambda data: WonForm(data),
        call=lambda deal, data: services.deal_mark_won(
            actor=request.membership, deal=deal, amount=data["amount"], closed_on=data["closed_on"]
        ),
        done=_("Congratulations: %(ref)s is marked won."),
        title=_("Mark the deal won"),
        intro=_("Enter the final amount the customer signed for and the date it closed."),
        button=_("Mark won"),
    )


@requires("portal.deals")
def lost(request: TenantRequest, pk: int) -> HttpResponse:
    return _form_action(
        request,
        pk,
        action="lose",
        form=lambda data: LostForm(data),
        call=lambda deal, data: services.deal_mark_lost(
            actor=request.membership, deal=deal, reason=data["reason"]
        ),
        done=_("%(ref)s is marked lost. Thank you for telling us why."),
        title=_("Mark the deal lost"),
        intro=_("The registration's claim on the customer ends. Your account manager sees why."),
        button=_("Mark lost"),
    )


@requires("portal.deals")
def extend(request: TenantRequest, pk: int) -> HttpResponse:
    max_days = deal_settings_for(request.tenant).max_extension_days
    return _form_action(
        request,
        pk,
        action="request_extension",
        form=lambda data: ExtensionForm(data, max_days=max_days),
        call=lambda deal, data: services.extension_request(
            actor=request.membership, deal=deal, days=data["days"], reason=data["reason"]
        ),
        done=_("Your request for more time on %(ref)s is sent: your account manager decides."),
        title=_("Ask for more time"),
        intro=_(
            "The protection of this registration is extended once your account manager agrees."
        ),
        button=_("Send the request"),
    )
