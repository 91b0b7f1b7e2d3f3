"""MDF requests in the vendor admin UI: the CAM's queue and the decision screen, and the pages
that decide (approve in full or in part, ask, reject, decline, the second approval, extend the
claim deadline, release).

The queue opens on the requests waiting for a decision, the most urgent first (overdue ones,
then by decision target); it shows per row the decision clock, the partner's balance in the
fund and its past MDF ROI (one query for the page). A CAM sees only the requests of the
partners assigned to them (`mdf.access.requests_visible_to`) in the list, its filters and
every object URL; drafts stay the partner's own. Each decision page resolves the request through
the same selector (404), checks its status allows the action, and calls one service.
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
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deals.admin.common import Badge, object_pk
from prm.dates import format_day, format_moment
from prm.figures import format_number
from prm.filters import parse_id
from prm.money import format_money
from prm.pagination import DeferredJoinPaginator
from prm.sla import hours_text, sla_state, waiting_text
from prm.tenancy.decorators import requires
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import VisiblePartnerFilter
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, decision_page

from ..access import requests_visible_to
from ..models import Claim, Fund, MdfRequest
from ..roi import Roi, partner_roi, request_roi
from ..services import review
from ..workflow import REQUESTS
from .forms import ApproveForm, ExtendForm, QuestionForm, ReasonForm, SecondApprovalForm

S = MdfRequest.Status
#: the status filter's value that shows every status (drafts stay the partner's)
ALL = "all"
#: the queue's default: requests waiting for a CAM's decision
WAITING = S.SUBMITTED

#: how each status reads as a badge kind (`prm-badge-<kind>`)
STATUS_KIND: dict[str, str] = {
    S.SUBMITTED: "status-submitted",
    S.INFO_REQUESTED: "status-info_requested",
    S.SECOND_APPROVAL: "medium",
    S.APPROVED: "status-approved",
    S.REJECTED: "status-rejected",
    S.DECLINED: "status-declined",
    S.WITHDRAWN: "status-withdrawn",
}


# Filters


class RequestStatusFilter(admin.SimpleListFilter):
    """The list opens on the rows waiting for a decision (submitted); drafts stay the
    partner's. The claim queue uses it with the claims' statuses (`statuses`)."""

    title = gettext_lazy("status")
    parameter_name = "status"
    statuses: Any = S

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        waiting = self.statuses.SUBMITTED
        shown = [s for s in self.statuses if s != self.statuses.DRAFT]
        labels = {waiting: _("Waiting for a decision")}
        return [(s.value, labels.get(s, s.label)) for s in shown] + [(ALL, _("All"))]

    def value(self) -> str:
        found = super().value()
        known = {s.value for s in self.statuses} | {ALL}
        return found if found in known else self.statuses.SUBMITTED

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == ALL:
            return queryset
        return queryset.filter(status=self.value())


class FundFilter(admin.SimpleListFilter):
    title = gettext_lazy("fund")
    parameter_name = "fund"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        funds = Fund.objects.filter(tenant_id=membership_of(request).tenant_id)
        return [(str(f.pk), f.name) for f in funds.order_by("-starts_on", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        pk = parse_id(self.value())
        if self.value() is None:
            return queryset
        return queryset.filter(fund_id=pk) if pk is not None else queryset.none()


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("decision target")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Within target"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        overdue = Q(sla_due_at__lte=timezone.now()) & Q(status__in=[S.SUBMITTED])
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


# The queue and the decision screen

#: the decision screen's read-only facts (the summary and answers come first, in its template)
FIELDSETS: list[Any] = [
    # (the reference, partner, fund and status head the summary above these)
    (None, {"fields": ["partner", "requested_by"]}),
    (
        gettext_lazy("Decision"),
        {
            "fields": [
                "submitted_at",
                "decided_at",
                "decided_by",
                "decision_time",
                "approved_text",
                "decision_reason",
                "info_question",
                "claim_due_on",
                "claim_extension_reason",
            ]
        },
    ),
]


@admin.register(MdfRequest, site=tenant_admin_site)
class MdfRequestAdmin(TenantModelAdmin):
    """No add, change or delete here: partners request in the portal, the vendor decides on
    pages of their own."""

    capabilities = {"view": "mdf.view"}
    # the link from "MDF return" to its funded campaigns (mdf/metrics.py) names the fund's days
    # and the claim's status
    related_lookups = ("fund__starts_on", "fund__ends_on", "claim__status")
    list_display = ["title", "status", "sla_due_at", "partner", "fund", "amount", "submitted_at"]
    list_display_links = None
    list_filter = [RequestStatusFilter, FundFilter, VisiblePartnerFilter, OverdueFilter]
    search_fields = ["title", "partner__name"]
    search_help_text = gettext_lazy("Campaign title, partner name, or a reference: MDF-000042.")
    list_per_page = 50
    paginator = DeferredJoinPaginator
    show_full_result_count = False
    fieldsets = FIELDSETS
    readonly_fields = [f for _name, options in FIELDSETS for f in options["fields"]]
    change_list_template = "admin/mdf/mdfrequest/change_list.html"
    change_form_template = "admin/mdf/mdfrequest/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[MdfRequest]:
        return (
            requests_visible_to(membership_of(request))
            .exclude(status=S.DRAFT)
            .select_related("partner", "fund", "allocation", "tenant")
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        if request.GET.get("status", WAITING) in (WAITING, S.SECOND_APPROVAL):
            return ["sla_due_at", "id"]  # overdue first, then the nearest target
        return [F("submitted_at").desc(nulls_last=True), "-id"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[MdfRequest], search_term: str
    ) -> tuple[QuerySet[MdfRequest], bool]:
        number = reference_number(search_term, "MDF-")
        if number is not None:
            return queryset.filter(number=number), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        status = request.GET.get("status", WAITING)
        title = _("MDF requests waiting for a decision") if status == WAITING else _("MDF requests")
        # funds that collect requests ahead: their waiting requests are reviewed together
        batch_funds = Fund.objects.filter(
            tenant_id=membership_of(request).tenant_id,
            collect_ahead=True,
            requests__status=S.SUBMITTED,
        ).distinct()
        extra = {
            "title": title,
            "is_queue": status == WAITING,
            "all_status": ALL,
            "batch_funds": list(batch_funds.order_by("name").values("pk", "name"))
            if membership_of(request).can("mdf.approve")
            else [],
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context is not None and isinstance(context.get("cl"), ChangeList):
            context.update(queue_page(request, context["cl"]))
        return response

    @admin.display(description=gettext_lazy("requested by"))
    def requested_by(self, obj: MdfRequest) -> str:
        user = obj.owner.user
        return f"{user.get_full_name()} <{user.email}>" if user.get_full_name() else user.email

    @admin.display(description=gettext_lazy("approved amount"))
    def approved_text(self, obj: MdfRequest) -> str:
        return format_money(obj.approved_amount, obj.currency) if obj.approved_amount else "—"

    @admin.display(description=gettext_lazy("time to decide"))
    def decision_time(self, obj: MdfRequest) -> str:
        if obj.decision_hours is None:
            return "—"
        return _("%(hours)s of business hours") % {"hours": hours_text(obj.decision_hours)}

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context.update(decision_context(request, obj))
        return super().render_change_form(request, context, *args, **kwargs)


def reference_number(text: str, prefix: str) -> int | None:
    """The number in a reference typed into a search box ("MDF-000042", "mdf-42"), or None."""
    term = text.strip().upper()
    if not term.startswith(prefix):
        return None
    return parse_id(term[len(prefix) :].lstrip("0"))


# The queue's rows


HEADERS = {
    "title": gettext_lazy("request"),
    "sla_due_at": gettext_lazy("decision target"),
    "amount": gettext_lazy("requested"),
}


@dataclass(frozen=True)
class QueueRow:
    """One request of the list, worked out as text: the template only places it."""

    pk: int
    url: str
    reference: str
    title: str
    activity: str
    status_kind: str
    status_label: str
    target: Badge | None
    decided: str
    partner: str
    fund: str
    amount: str
    available: str
    roi: str
    roi_title: str
    submitted: str
    submitted_at: str
    waiting: str


def roi_text(roi: Roi | None) -> tuple[str, str]:
    """A partner's past MDF ROI as the queue shows it: revenue per unit of spend, and a title
    with the figures behind it; "no funded campaign yet" before any."""
    if roi is None or not roi.spend:
        return _("no claims yet"), _("No claim of this partner was approved yet.")
    ratio = roi.revenue_ratio
    title = ngettext(
        "%(campaigns)s funded campaign: %(spend)s spent, %(revenue)s won, %(pipeline)s "
        "pipeline, %(leads)s leads",
        "%(campaigns)s funded campaigns: %(spend)s spent, %(revenue)s won, %(pipeline)s "
        "pipeline, %(leads)s leads",
        roi.campaigns,
    ) % {
        "campaigns": format_number(roi.campaigns),
        "spend": format_money(roi.spend, roi.currency),
        "revenue": format_money(roi.revenue, roi.currency),
        "pipeline": format_money(roi.pipeline, roi.currency),
        "leads": format_number(roi.leads),
    }
    return (_("%(ratio)s× revenue") % {"ratio": format_number(ratio)}, title)


def queue_page(request: HttpRequest, cl: ChangeList) -> dict[str, Any]:
    """What the queue's template shows besides Django's changelist: the headers, the rows
    (with every partner's ROI in one query), and whether filters narrow the list."""
    headers: list[dict[str, Any]] = list(result_headers(cl))
    for header, name in zip(headers, cl.list_display, strict=True):
        header["text"] = HEADERS.get(str(name), header["text"])
    rows = list(cl.result_list)
    membership = membership_of(request)
    rois = partner_roi({r.partner_id for r in rows}, tenant_id=membership.tenant_id) if rows else {}
    now = timezone.now()
    zone = timezone.get_current_timezone_name()
    labels = {value: str(label) for value, label in S.choices}
    activities = {value: str(label) for value, label in MdfRequest.Activity.choices}
    link: dict[str, Any] = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    days: dict[Any, str] = {}

    def day(moment: datetime) -> str:
        local = timezone.localtime(moment).date()
        if local not in days:
            days[local] = format_day(local)
        return days[local]

    def row(r: MdfRequest) -> QueueRow:
        target = clock(r, zone, now)
        decided = ""
        if target is None and r.decision_hours is not None:
            decided = _("decided in %(hours)s") % {"hours": hours_text(r.decision_hours)}
        roi, roi_title = roi_text(rois.get((r.partner_id, r.currency)))
        return QueueRow(
            pk=r.pk,
            url=add_preserved_filters(link, reverse("admin:mdf_mdfrequest_change", args=[r.pk])),
            reference=r.reference,
            title=r.title,
            activity=activities.get(r.activity_type, ""),
            status_kind=STATUS_KIND.get(r.status, "info"),
            status_label=labels.get(r.status, r.status),
            target=target,
            decided=decided,
            partner=r.partner.name,
            fund=r.fund.name,
            amount=format_money(r.amount, r.currency),
            available=format_money(r.allocation.available, r.allocation.currency),
            roi=roi,
            roi_title=roi_title,
            submitted=day(r.submitted_at) if r.submitted_at else "—",
            submitted_at=r.submitted_at.isoformat() if r.submitted_at else "",
            waiting=(
                _("waiting %(time)s") % {"time": waiting_text(r.submitted_at, now)}
                if target and r.submitted_at
                else ""
            ),
        )

    narrowed = bool(cl.query) or any(name not in ("status", "p", "o") for name in request.GET)
    return {
        "queue_headers": headers,
        "queue_rows": [row(r) for r in rows],
        "queue_narrowed": narrowed,
    }


def clock(
    mdf_request: MdfRequest, zone: str | None = None, now: datetime | None = None
) -> Badge | None:
    """The decision clock of a request waiting for a CAM: time left, or overdue."""
    if mdf_request.status != S.SUBMITTED or mdf_request.sla_due_at is None:
        return None
    kind, text = sla_state(
        mdf_request.sla_due_at, zone or timezone.get_current_timezone_name(), now
    )
    return Badge(
        kind, text, _("due %(moment)s") % {"moment": format_moment(mdf_request.sla_due_at)}
    )


# The decision screen


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def standard_facts(r: MdfRequest) -> list[Fact]:
    """The request's standard fields, as the partner answered them."""
    cofunding = _("No")
    if r.cofunded:
        share = f" ({r.cofunded_share} %)" if r.cofunded_share is not None else ""
        cofunding = (r.cofunders or _("Yes")) + share
    when = "—"
    if r.starts_on and r.ends_on:
        when = _("%(start)s to %(end)s") % {
            "start": format_day(r.starts_on),
            "end": format_day(r.ends_on),
        }
    return [
        Fact(_("Activity type"), r.get_activity_type_display()),
        Fact(_("Description"), r.description or "—"),
        Fact(_("Target audience"), r.audience or "—"),
        Fact(_("Activities and channels"), r.activities or "—"),
        Fact(_("When"), when),
        Fact(_("Expected leads"), str(r.expected_leads) if r.expected_leads is not None else "—"),
        Fact(_("Expected pipeline"), format_money(r.expected_pipeline, r.currency)),
        Fact(_("Other vendors co-fund it"), cofunding),
        Fact(_("Amount requested"), format_money(r.amount, r.currency)),
    ]


def answer_facts(r: MdfRequest) -> list[Fact]:
    """The fund's own questions and the request's answers (one query; unanswered show —)."""
    answers = {a.question_id: a.value for a in r.answers.all()}
    return [
        Fact(q.label, answers.get(q.pk) or "—")
        for q in r.fund.questions.filter(tenant_id=r.tenant_id).order_by("position", "id")
    ]


def summary_context(request: HttpRequest, r: MdfRequest) -> dict[str, Any]:
    """What every decision page and the decision screen show about one request: its balance in
    the fund, the partner's past ROI, the decision clock, the standard fields and answers."""
    allocation = r.allocation
    roi = partner_roi([r.partner_id], tenant_id=r.tenant_id).get((r.partner_id, r.currency))
    roi_label, roi_title = roi_text(roi)
    target = clock(r)
    return {
        "mdf_request": r,
        "summary_clock": target,
        "summary_waiting": waiting_text(r.submitted_at) if target else "",
        "balance": {
            "allocated": format_money(allocation.allocated, allocation.currency),
            "committed": format_money(allocation.committed, allocation.currency),
            "claimed": format_money(
                allocation.claimed + allocation.reimbursed, allocation.currency
            ),
            "available": format_money(allocation.available, allocation.currency),
            "covers": r.amount is not None and allocation.available >= r.amount,
        },
        "roi_label": roi_label,
        "roi_title": roi_title,
        "standard_facts": standard_facts(r),
        "answer_facts": answer_facts(r),
        "amount_text": format_money(r.amount, r.currency),
        "cancel_url": reverse("admin:mdf_mdfrequest_change", args=[r.pk]),
    }


def decision_context(request: HttpRequest, r: MdfRequest) -> dict[str, Any]:
    """The decision screen: the summary, the actions allowed now, the claim and this request's
    own ROI."""
    membership = membership_of(request)
    decide = membership.can("mdf.approve")
    second = membership.can("mdf.approve.second")
    waiting_second = r.status == S.SECOND_APPROVAL
    claim = Claim.objects.filter(tenant_id=r.tenant_id, request_id=r.pk).first()
    own = request_roi(r) if r.status == S.APPROVED else None
    return {
        **summary_context(request, r),
        "claim": claim,
        "request_roi": own,
        "may_approve": decide and REQUESTS.allowed(r, "approve"),
        "may_request_info": decide and REQUESTS.allowed(r, "request_info"),
        "may_reject": decide and REQUESTS.allowed(r, "reject") and (second or not waiting_second),
        "may_decline": decide and REQUESTS.allowed(r, "decline") and (second or not waiting_second),
        "may_approve_second": decide and second and REQUESTS.allowed(r, "approve_second"),
        "may_extend": decide and REQUESTS.allowed(r, "extend_claim"),
        # a claim filed is decided through the claim (rejecting it gives the money back)
        "may_release": decide and REQUESTS.allowed(r, "release") and claim is None,
        "threshold": format_money(r.fund.second_approval_above, r.currency)
        if r.fund.second_approval_above
        else "",
    }


# The decision pages


def _request(request: HttpRequest, object_id: str) -> MdfRequest:
    """The request, if the member sees it (drafts are the partner's); else 404."""
    found = requests_visible_to(membership_of(request)).exclude(status=S.DRAFT)
    return get_object_or_404(
        found.select_related("partner", "fund", "allocation", "owner__user", "tenant"),
        pk=object_pk(object_id),
    )


def _decision_page(
    request: HttpRequest,
    object_id: str,
    *,
    action: str,
    form_class: type[forms.BaseForm],
    decide: Callable[[Membership, MdfRequest, dict[str, Any]], object],
    title: str,
    done: str,
    template: str,
    initial: Callable[[MdfRequest], Mapping[str, Any]] | None = None,
) -> HttpResponse:
    """One decision on one request: resolve it (404), check its status allows `action` (else
    back to the screen with why), then the confirm page whose valid form calls the service."""
    mdf_request = _request(request, object_id)
    return decision_page(
        request,
        mdf_request,
        allowed=lambda: REQUESTS.require(mdf_request, action),
        screen="admin:mdf_mdfrequest_change",
        form_class=form_class,
        decide=lambda actor, data: decide(actor, mdf_request, data),
        done=Done(done % {"request": mdf_request}, "admin:mdf_mdfrequest_changelist"),
        title=title % {"request": mdf_request},
        template=f"admin/mdf/mdfrequest/{template}.html",
        form_kwargs={"initial": initial(mdf_request)} if initial else None,
        context=summary_context(request, mdf_request),
    )


@requires("mdf.approve")
def approve(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="approve",
        form_class=ApproveForm,
        decide=lambda actor, r, data: review.request_approve(
            actor=actor, mdf_request=r, amount=data["amount"], reason=data["reason"]
        ),
        title=_("Approve %(request)s"),
        done=_("%(request)s is approved; the partner is told."),
        template="approve",
        initial=lambda r: {"amount": r.amount},
    )


@requires("mdf.approve.second")
def approve_second(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="approve_second",
        form_class=SecondApprovalForm,
        decide=lambda actor, r, data: review.request_approve_second(
            actor=actor, mdf_request=r, reason=data["reason"]
        ),
        title=_("Second approval of %(request)s"),
        done=_("%(request)s is approved; the partner is told."),
        template="approve_second",
    )


@requires("mdf.approve")
def request_info(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="request_info",
        form_class=QuestionForm,
        decide=lambda actor, r, data: review.request_info(
            actor=actor, mdf_request=r, question=data["question"]
        ),
        title=_("Ask for more information about %(request)s"),
        done=_("%(request)s is sent back to the partner with your question."),
        template="request_info",
    )


@requires("mdf.approve")
def reject(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="reject",
        form_class=ReasonForm,
        decide=lambda actor, r, data: review.request_reject(
            actor=actor, mdf_request=r, reason=data["reason"]
        ),
        title=_("Reject %(request)s"),
        done=_("%(request)s is rejected; the partner may fix it and submit it again."),
        template="reject",
    )


@requires("mdf.approve")
def decline(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="decline",
        form_class=ReasonForm,
        decide=lambda actor, r, data: review.request_decline(
            actor=actor, mdf_request=r, reason=data["reason"]
        ),
        title=_("Decline %(request)s"),
        done=_("%(request)s is declined; the partner is told why."),
        template="decline",
    )


@requires("mdf.approve")
def extend(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="extend_claim",
        form_class=ExtendForm,
        decide=lambda actor, r, data: review.claim_deadline_extend(
            actor=actor, mdf_request=r, until=data["until"], reason=data["reason"]
        ),
        title=_("Extend the claim deadline of %(request)s"),
        done=_("The claim deadline of %(request)s is extended; the partner is told."),
        template="extend",
    )


@requires("mdf.approve")
def release(request: HttpRequest, object_id: str) -> HttpResponse:
    return _decision_page(
        request,
        object_id,
        action="release",
        form_class=ReasonForm,
        decide=lambda actor, r, data: review.request_release(
            actor=actor, mdf_request=r, reason=data["reason"]
        ),
        title=_("Release what %(request)s holds"),
        done=_("What %(request)s held is back in the partner's allocation."),
        template="release",
    )
