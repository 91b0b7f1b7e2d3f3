"""Claims in the vendor admin UI: the claim queue, the claim screen (spend, results, linked deals,
proof files, what may be reimbursed), and the pages that decide one (approve, ask, reject) and
the staff download of a proof file.

A CAM sees the claims of the partners assigned to them (`mdf.access.claims_visible_to`), in the
list and every object URL; drafts stay the partner's own. A proof is found through
`proofs_visible_to` before it is served: anyone else gets 404 as for a missing file.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deals.admin.common import Badge, object_pk
from prm.dates import format_day, format_moment
from prm.filters import parse_id
from prm.money import format_money
from prm.pagination import DeferredJoinPaginator
from prm.sla import sla_state, waiting_text
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import VisiblePartnerFilter
from prm.tenancy.requests import membership_of
from prm.uploads.private import private_file_response
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, decision_page

from ..access import claims_visible_to, proofs_visible_to
from ..models import CampaignDeal, Claim
from ..services import claim_review
from ..workflow import CLAIMS
from .forms import ClaimApproveForm, QuestionForm, ReasonForm
from .requests import FundFilter, RequestStatusFilter, reference_number

C = Claim.Status
ALL = "all"
WAITING = C.SUBMITTED

STATUS_KIND: dict[str, str] = {
    C.SUBMITTED: "status-submitted",
    C.INFO_REQUESTED: "status-info_requested",
    C.APPROVED: "medium",
    C.REJECTED: "status-rejected",
    C.PAID: "status-approved",
}


class ClaimStatusFilter(RequestStatusFilter):
    """The claim queue opens on the claims waiting for a decision; "approved" are the claims
    due for payment."""

    statuses = C


class ClaimFundFilter(FundFilter):
    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() is None:
            return queryset
        pk = parse_id(self.value())
        return queryset.filter(request__fund_id=pk) if pk is not None else queryset.none()


@admin.register(Claim, site=tenant_admin_site)
class ClaimAdmin(TenantModelAdmin):
    """No add, change or delete: partners file claims in the portal; the vendor decides and
    pays on pages of their own."""

    capabilities = {"view": "mdf.view"}
    list_display = ["number", "status", "sla_due_at", "partner", "actual_spend", "submitted_at"]
    list_display_links = None
    list_filter = [ClaimStatusFilter, ClaimFundFilter, VisiblePartnerFilter]
    search_fields = ["request__title", "partner__name", "payment_reference"]
    search_help_text = gettext_lazy(
        "Campaign title, partner name, payment reference, or a reference: CL-000042."
    )
    list_per_page = 50
    paginator = DeferredJoinPaginator
    show_full_result_count = False
    fields = ["reference"]
    readonly_fields = ["reference"]
    change_list_template = "admin/mdf/claim/change_list.html"
    change_form_template = "admin/mdf/claim/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return (
            claims_visible_to(membership_of(request))
            .exclude(status=C.DRAFT)
            .select_related("partner", "request__fund", "tenant", "batch")
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        if request.GET.get("status", WAITING) == WAITING:
            return ["sla_due_at", "submitted_at", "id"]
        return [F("submitted_at").desc(nulls_last=True), "-id"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claim], search_term: str
    ) -> tuple[QuerySet[Claim], bool]:
        number = reference_number(search_term, "CL-")
        if number is not None:
            return queryset.filter(number=number), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("reference"))
    def reference(self, obj: Claim) -> str:
        return obj.reference

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        status = request.GET.get("status", WAITING)
        titles: dict[str, str] = {
            WAITING: _("Claims waiting for a decision"),
            C.APPROVED: _("Claims due"),
        }
        extra = {
            "title": titles.get(status, _("Claims")),
            "is_queue": status == WAITING,
            "is_due": status == C.APPROVED,
            "all_status": ALL,
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context is not None and isinstance(context.get("cl"), ChangeList):
            context.update(claim_queue_page(request, context["cl"]))
        return response

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context.update(claim_context(request, obj))
        return super().render_change_form(request, context, *args, **kwargs)


HEADERS = {
    "number": gettext_lazy("claim"),
    "sla_due_at": gettext_lazy("decision target"),
    "actual_spend": gettext_lazy("actual spend"),
}


@dataclass(frozen=True)
class ClaimRow:
    pk: int
    url: str
    reference: str
    title: str
    request_reference: str
    status_kind: str
    status_label: str
    target: Badge | None
    partner: str
    fund: str
    spend: str
    reimbursable: str
    paid: str
    submitted: str
    submitted_at: str
    waiting: str


def claim_clock(claim: Claim, zone: str | None = None, now: datetime | None = None) -> Badge | None:
    if claim.status != C.SUBMITTED or claim.sla_due_at is None:
        return None
    kind, text = sla_state(claim.sla_due_at, zone or timezone.get_current_timezone_name(), now)
    return Badge(kind, text, _("due %(moment)s") % {"moment": format_moment(claim.sla_due_at)})


def claim_queue_page(request: HttpRequest, cl: ChangeList) -> dict[str, Any]:
    headers: list[dict[str, Any]] = list(result_headers(cl))
    for header, name in zip(headers, cl.list_display, strict=True):
        header["text"] = HEADERS.get(str(name), header["text"])
    now = timezone.now()
    zone = timezone.get_current_timezone_name()
    labels = {value: str(label) for value, label in C.choices}
    link: dict[str, Any] = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}

    def row(c: Claim) -> ClaimRow:
        target = claim_clock(c, zone, now)
        shown = c.approved_amount if c.approved_amount else claim_review.reimbursable(c).most
        paid = ""
        if c.status == C.PAID and c.paid_on:
            paid = _("paid on %(day)s, reference %(ref)s") % {
                "day": format_day(c.paid_on),
                "ref": c.payment_reference,
            }
        elif c.batch_id:
            paid = _("in batch %(batch)s") % {"batch": c.batch.reference if c.batch else ""}
        return ClaimRow(
            pk=c.pk,
            url=add_preserved_filters(link, reverse("admin:mdf_claim_change", args=[c.pk])),
            reference=c.reference,
            title=c.request.title,
            request_reference=c.request.reference,
            status_kind=STATUS_KIND.get(c.status, "info"),
            status_label=labels.get(c.status, c.status),
            target=target,
            partner=c.partner.name,
            fund=c.request.fund.name,
            spend=format_money(c.actual_spend, c.currency),
            reimbursable=format_money(shown, c.currency),
            paid=paid,
            submitted=format_day(timezone.localtime(c.submitted_at)) if c.submitted_at else "—",
            submitted_at=c.submitted_at.isoformat() if c.submitted_at else "",
            waiting=(
                _("waiting %(time)s") % {"time": waiting_text(c.submitted_at, now)}
                if target and c.submitted_at
                else ""
            ),
        )

    narrowed = bool(cl.query) or any(name not in ("status", "p", "o") for name in request.GET)
    return {
        "queue_headers": headers,
        "queue_rows": [row(c) for c in cl.result_list],
        "queue_narrowed": narrowed,
    }


def claim_summary(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    """What the claim screen and its decision pages show: the request, spend and results, the
    proof files, the linked deals and what may be reimbursed."""
    limit = claim_review.reimbursable(claim)
    deals = list(
        CampaignDeal.objects.filter(tenant_id=claim.tenant_id, request_id=claim.request_id)
        .select_related("deal")
        .order_by("deal__customer_name")
    )
    target = claim_clock(claim)
    return {
        "claim": claim,
        "mdf_request": claim.request,
        "limit": limit,
        "limit_text": limit.explain(),
        "proofs": list(
            claim.proofs.filter(tenant_id=claim.tenant_id).select_related("uploaded_by__user")
        ),
        "campaign_deals": [link.deal for link in deals],
        "summary_clock": target,
        "summary_waiting": waiting_text(claim.submitted_at) if target else "",
        "cancel_url": reverse("admin:mdf_claim_change", args=[claim.pk]),
    }


def claim_context(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    membership = membership_of(request)
    decide = membership.can("mdf.approve")
    pay = membership.can("mdf.pay")
    return {
        **claim_summary(request, claim),
        "may_approve": decide and CLAIMS.allowed(claim, "approve"),
        "may_request_info": decide and CLAIMS.allowed(claim, "request_info"),
        "may_reject": decide and CLAIMS.allowed(claim, "reject"),
        "may_pay": pay and CLAIMS.allowed(claim, "pay"),
    }


def _claim(request: HttpRequest, object_id: str) -> Claim:
    found = claims_visible_to(membership_of(request)).exclude(status=C.DRAFT)
    return get_object_or_404(
        found.select_related("partner", "request__fund", "owner__user", "tenant", "batch"),
        pk=object_pk(object_id),
    )


def claim_decision_page(
    request: HttpRequest,
    object_id: str,
    *,
    action: str,
    form_class: type[forms.BaseForm],
    decide: Callable[[Membership, Claim, dict[str, Any]], object],
    title: str,
    done: str,
    template: str,
    initial: Callable[[Claim], Mapping[str, Any]] | None = None,
    done_to: str = "admin:mdf_claim_changelist",
) -> HttpResponse:
    """One decision on one claim: resolve it (404), check its status allows `action`, then the
    confirm page whose valid form calls the service."""
    claim = _claim(request, object_id)
    return decision_page(
        request,
        claim,
        allowed=lambda: CLAIMS.require(claim, action),
        screen="admin:mdf_claim_change",
        form_class=form_class,
        decide=lambda actor, data: decide(actor, claim, data),
        done=Done(done % {"claim": claim}, done_to),
        title=title % {"claim": claim},
        template=f"admin/mdf/claim/{template}.html",
        form_kwargs={"initial": initial(claim)} if initial else None,
        context=claim_summary(request, claim),
    )


@requires("mdf.approve")
def approve(request: HttpRequest, object_id: str) -> HttpResponse:
    return claim_decision_page(
        request,
        object_id,
        action="approve",
        form_class=ClaimApproveForm,
        decide=lambda actor, c, data: claim_review.claim_approve(
            actor=actor, claim=c, amount=data["amount"], reason=data["reason"]
        ),
        title=_("Approve %(claim)s"),
        done=_("%(claim)s is approved: the amount is due to the partner."),
        template="approve",
        initial=lambda c: {"amount": claim_review.reimbursable(c).most},
    )


@requires("mdf.approve")
def request_info(request: HttpRequest, object_id: str) -> HttpResponse:
    return claim_decision_page(
        request,
        object_id,
        action="request_info",
        form_class=QuestionForm,
        decide=lambda actor, c, data: claim_review.claim_info(
            actor=actor, claim=c, question=data["question"]
        ),
        title=_("Ask for more information about %(claim)s"),
        done=_("%(claim)s is sent back to the partner with your question."),
        template="request_info",
    )


@requires("mdf.approve")
def reject(request: HttpRequest, object_id: str) -> HttpResponse:
    return claim_decision_page(
        request,
        object_id,
        action="reject",
        form_class=ReasonForm,
        decide=lambda actor, c, data: claim_review.claim_reject(
            actor=actor, claim=c, reason=data["reason"]
        ),
        title=_("Reject %(claim)s"),
        done=_("%(claim)s is rejected; the partner is told why."),
        template="reject",
    )


@requires("mdf.view")
def proof_download(request: HttpRequest, pk: str) -> HttpResponseBase:
    """A proof file of a claim the member sees (`proofs_visible_to`); anything else 404."""
    proof = get_object_or_404(proofs_visible_to(membership_of(request)), pk=object_pk(pk))
    return private_file_response(proof.file, name=proof.name, content_type=proof.content_type)
