"""Deciding a registration in the vendor admin UI: approve, reject, ask for more information,
and decide its extension requests, each on a page of its own.

Every page: the member needs `deals.approve` (403), the registration must be one they see
(`deals_for`: 404 otherwise, exactly like a missing one), its status must allow the action (else
a message and back to the decision screen), and one service does the work; its errors are shown
beside their field or at the top of the form, and nothing is changed.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from prm.forms import errors_to_form
from prm.tenancy.requests import membership_of, posted, tenant_of
from prm.workflow import TransitionError

from .. import services
from ..models import Deal, DealExtension, DealSettings
from ..selectors import deal_settings_for, reject_reasons_for
from ..workflow import DEALS
from .forms import (
    ApproveForm,
    ExtensionDecisionForm,
    LostForm,
    RejectForm,
    RequestInfoForm,
    WonForm,
)


class DecisionPages:
    """Mixed into `DealAdmin` (it uses the model admin's `get_object` and `admin_site`)."""

    admin_site: Any
    opts: Any

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/approve/", wrap(self.approve_view), name="deals_deal_approve"),
            path("<path:object_id>/reject/", wrap(self.reject_view), name="deals_deal_reject"),
            path(
                "<path:object_id>/request-info/",
                wrap(self.request_info_view),
                name="deals_deal_request_info",
            ),
            path("<path:object_id>/won/", wrap(self.won_view), name="deals_deal_won"),
            path("<path:object_id>/lost/", wrap(self.lost_view), name="deals_deal_lost"),
            path(
                "<path:object_id>/extensions/<int:extension_id>/",
                wrap(self.extension_view),
                name="deals_deal_extension",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    # Shared steps

    def _deal(
        self, request: HttpRequest, object_id: str, action: str | None
    ) -> Deal | HttpResponse:
        """The registration, if the member may decide it and its status allows `action`."""
        if not membership_of(request).can("deals.approve"):
            raise PermissionDenied
        deal: Deal = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if action is not None:
            try:
                DEALS.require(deal, action)
            except TransitionError as exc:
                messages.warning(request, " ".join(exc.messages))
                return redirect("admin:deals_deal_change", deal.pk)
        return deal

    def _page(
        self, request: HttpRequest, deal: Deal, title: str, form: Any, template: str, **extra: Any
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "object": deal,
            "opts": self.opts,
            "form": form,
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, f"admin/deals/deal/{template}.html", context)

    def _done(self, request: HttpRequest, text: str) -> HttpResponse:
        messages.success(request, text)
        return redirect("admin:deals_deal_changelist")

    # The pages

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        deal = self._deal(request, object_id, "approve")
        if isinstance(deal, HttpResponse):
            return deal
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
                return self._done(
                    request,
                    _("%(deal)s is approved; the partner is told.") % {"deal": deal},
                )
        title = _("Approve %(deal)s") % {"deal": deal}
        return self._page(request, deal, title, form, "approve", may_supersede=may_supersede)

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        deal = self._deal(request, object_id, "reject")
        if isinstance(deal, HttpResponse):
            return deal
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
                return self._done(
                    request,
                    _("%(deal)s is rejected; the partner is told why.") % {"deal": deal},
                )
        title = _("Reject %(deal)s") % {"deal": deal}
        return self._page(request, deal, title, form, "reject")

    def request_info_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        deal = self._deal(request, object_id, "request_info")
        if isinstance(deal, HttpResponse):
            return deal
        form = RequestInfoForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                services.deal_request_info(
                    actor=membership_of(request), deal=deal, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return self._done(
                    request,
                    _("%(deal)s is sent back to the partner with your question.") % {"deal": deal},
                )
        title = _("Ask for more information about %(deal)s") % {"deal": deal}
        return self._page(request, deal, title, form, "request_info")

    def won_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        deal = self._deal(request, object_id, "win")
        if isinstance(deal, HttpResponse):
            return deal
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
                return self._done(request, _("%(deal)s is won.") % {"deal": deal})
        title = _("Mark %(deal)s won") % {"deal": deal}
        return self._page(request, deal, title, form, "won")

    def lost_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        deal = self._deal(request, object_id, "lose")
        if isinstance(deal, HttpResponse):
            return deal
        form = LostForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                services.deal_mark_lost(
                    actor=membership_of(request), deal=deal, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return self._done(request, _("%(deal)s is lost.") % {"deal": deal})
        title = _("Mark %(deal)s lost") % {"deal": deal}
        return self._page(request, deal, title, form, "lost")

    def extension_view(
        self, request: HttpRequest, object_id: str, extension_id: int
    ) -> HttpResponse:
        deal = self._deal(request, object_id, None)
        if isinstance(deal, HttpResponse):
            return deal
        extension = get_object_or_404(
            DealExtension.objects.filter(tenant_id=deal.tenant_id, deal=deal), pk=extension_id
        )
        if extension.status != DealExtension.Status.PENDING:
            messages.warning(request, _("This extension request was already decided."))
            return redirect("admin:deals_deal_change", deal.pk)
        form = ExtensionDecisionForm(posted(request))
        if request.method == "POST" and form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                services.extension_decide(
                    actor=membership_of(request),
                    extension=extension,
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
        return self._page(request, deal, title, form, "extension", extension=extension)
