"""What the partner portal's MDF pages read: the company's balances and windows, its requests
and claims with the next step of each, a request's timeline, the home card's summary.

Everything narrows through `mdf.access` (a rep: their own requests; a partner admin: the
company's), in a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When, Window
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from deals.events import tenant_day
from deals.models import Deal
from deals.selectors import deals_for
from prm.audit.models import AuditEvent
from prm.audit.selectors import audit_events_for
from prm.audit.sentences import describe
from prm.figures import format_percent
from prm.money import format_money, quantize
from prm.tenancy.models import Membership, Tenant

from .access import allocations_visible_to, may_request, requests_visible_to
from .models import Allocation, CampaignDeal, Claim, Fund, MdfRequest
from .services.requests import tenant_today

R = MdfRequest.Status
C = Claim.Status

#: the audit actions a partner sees in a request's timeline (what the vendor records for itself,
#: such as escalations and payment batches, stays with the vendor)
PARTNER_ACTIONS = frozenset(
    {
        "mdf.request.created",
        "mdf.request.changed",
        "mdf.request.submitted",
        "mdf.request.withdrawn",
        "mdf.request.info_requested",
        "mdf.request.approved",
        "mdf.request.second_approval",
        "mdf.request.rejected",
        "mdf.request.declined",
        "mdf.request.released",
        "mdf.claim.extended",
        "mdf.claim.created",
        "mdf.claim.changed",
        "mdf.claim.submitted",
        "mdf.claim.info_requested",
        "mdf.claim.approved",
        "mdf.claim.rejected",
        "mdf.claim.paid",
        "mdf.proof.added",
        "mdf.proof.deleted",
    }
)


# -- balances and windows ---------------------------------------------------------------------


def budget_bar(allocation: Allocation) -> SafeString:
    """The allocation as one stacked bar (paid, claimed, committed, then what is available),
    inline SVG painted by `mdf/portal.css` in the tenant's colours; the figures are beside it."""
    total = allocation.allocated
    parts = [
        ("paid", allocation.reimbursed),
        ("claimed", allocation.claimed),
        ("committed", allocation.committed),
    ]
    rects, x = [], Decimal(0)
    for name, value in parts:
        width = (value / total * 100).quantize(Decimal("0.1")) if total > 0 else Decimal(0)
        if width > 0:
            rects.append((name, x, width))
            x += width
    used = format_percent((total - allocation.available) / total * 100 if total > 0 else None)
    label = _("%(used)s of the allocation committed, claimed or paid") % {"used": used}
    body = format_html_join(
        "",
        '<rect class="mdf-bar-{}" x="{}" y="0" width="{}" height="10"></rect>',
        rects,
    )
    return format_html(
        '<svg class="mdf-bar" role="img" aria-label="{}" viewBox="0 0 100 10" '
        'preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
        '<rect class="mdf-bar-track" x="0" y="0" width="100" height="10"></rect>{}</svg>',
        label,
        label,
        body,
    )


@dataclass
class FundBalance:
    """One fund as the company sees it: its balance, its window and what it may do now."""

    allocation: Allocation
    fund: Fund
    bar: SafeString
    #: "open", "ahead" (collect ahead: submit now, reviewed when the period opens),
    #: "soon" (opens later), "closed"
    window: str
    window_text: str
    can_request: bool


def _window(fund: Fund, today: date, tenant: Tenant) -> tuple[str, str]:
    closes = tenant_day(tenant, fund.closes_on)
    if today > fund.closes_on:
        return "closed", _("Requests closed on %(day)s.") % {"day": closes}
    if today < fund.opens_on:
        return "soon", _("Requests open on %(day)s.") % {"day": tenant_day(tenant, fund.opens_on)}
    if fund.collect_ahead and today < fund.starts_on:
        return "ahead", _(
            "Collect ahead: submit now, reviewed when the period opens on %(start)s "
            "(requests close on %(day)s)."
        ) % {"start": tenant_day(tenant, fund.starts_on), "day": closes}
    return "open", _("Requests close on %(day)s.") % {"day": closes}


def fund_balances(membership: Membership) -> list[FundBalance]:
    """The company's allocations with their funds, newest period first (one query)."""
    tenant = membership.tenant
    today = tenant_today(tenant)
    requesting = may_request(membership)
    rows = []
    allocations = (
        allocations_visible_to(membership)
        .select_related("fund")
        .order_by("-fund__starts_on", "fund__name")
    )
    for allocation in allocations:
        fund = allocation.fund
        window, text = _window(fund, today, tenant)
        rows.append(
            FundBalance(
                allocation=allocation,
                fund=fund,
                bar=budget_bar(allocation),
                window=window,
                window_text=text,
                can_request=requesting and window != "closed" and allocation.available > 0,
            )
        )
    return rows


# -- requests and their next step -------------------------------------------------------------


def portal_requests(membership: Membership) -> QuerySet[MdfRequest]:
    """The member's requests (a partner admin: the company's), newest first, with their fund,
    owner and claim."""
    return (
        requests_visible_to(membership)
        .select_related("fund", "owner__user", "claim")
        .order_by("-created_at", "-id")
    )


def claim_of(request: MdfRequest) -> Claim | None:
    """The request's claim, or None (no query when it was selected with the request)."""
    try:
        return request.claim
    except Claim.DoesNotExist:
        return None


@dataclass(frozen=True)
class Step:
    text: str
    #: "action" (the partner has something to do), "wait", "done", "late"
    kind: str
    #: the URL name to act on it (with the request's or the claim's id), or ""
    url_name: str = ""
    url_pk: int | None = None


def next_step(request: MdfRequest, today: date) -> Step:
    """What happens next with a request (and its claim), as the partner reads it."""
    tenant = request.tenant
    status = request.status
    if status == R.DRAFT:
        return Step(_("Complete it and submit it"), "action", "mdf:request_edit", request.pk)
    if status == R.SUBMITTED:
        if request.sla_due_at is not None:
            return Step(
                _("Waiting for your account manager's decision (due %(day)s)")
                % {"day": tenant_day(tenant, request.sla_due_at)},
                "wait",
            )
        return Step(_("Waiting for your account manager's decision"), "wait")
    if status == R.INFO_REQUESTED:
        return Step(_("Answer the CAM's question"), "action", "mdf:request_edit", request.pk)
    if status == R.SECOND_APPROVAL:
        return Step(_("Waiting for a second approval at the vendor"), "wait")
    if status == R.REJECTED:
        return Step(_("Fix it and submit it again"), "action", "mdf:request_edit", request.pk)
    if status == R.DECLINED:
        return Step(_("Declined: this decision is final"), "done")
    if status == R.WITHDRAWN:
        return Step(_("Withdrawn"), "done")
    # Approved: the claim's turn.
    claim = claim_of(request)
    due = tenant_day(tenant, request.claim_due_on) if request.claim_due_on else ""
    late = request.claim_due_on is not None and today > request.claim_due_on
    if claim is None:
        if late:
            return Step(
                _("The claim deadline passed on %(day)s: ask your account manager to extend it")
                % {"day": due},
                "late",
            )
        if request.starts_on is not None and today < request.starts_on:
            return Step(
                _("Run the activity from %(start)s, then file your claim by %(day)s")
                % {"start": tenant_day(tenant, request.starts_on), "day": due},
                "wait",
            )
        return Step(
            _("File your claim by %(day)s") % {"day": due}, "action", "mdf:claim_new", request.pk
        )
    if claim.status == C.DRAFT:
        if late:
            return Step(
                _("The claim deadline passed on %(day)s: ask your account manager to extend it")
                % {"day": due},
                "late",
                "mdf:claim",
                claim.pk,
            )
        return Step(
            _("Submit your claim by %(day)s") % {"day": due}, "action", "mdf:claim_edit", claim.pk
        )
    if claim.status == C.SUBMITTED:
        return Step(_("Claim waiting for review"), "wait", "mdf:claim", claim.pk)
    if claim.status == C.INFO_REQUESTED:
        return Step(_("Answer the question on your claim"), "action", "mdf:claim_edit", claim.pk)
    if claim.status == C.APPROVED:
        return Step(
            _("Claim approved: %(amount)s to be paid")
            % {"amount": format_money(claim.approved_amount, claim.currency)},
            "wait",
            "mdf:claim",
            claim.pk,
        )
    if claim.status == C.REJECTED:
        return Step(_("Claim rejected: see why"), "done", "mdf:claim", claim.pk)
    return Step(
        _("Paid on %(day)s, reference %(ref)s")
        % {"day": tenant_day(tenant, claim.paid_on), "ref": claim.payment_reference},
        "done",
        "mdf:claim",
        claim.pk,
    )


def with_steps(requests: Any, tenant: Tenant, *, working: bool = True) -> list[MdfRequest]:
    """The rows with `step` (their `next_step`) and `claim_row` set (no query per row).
    `working`: whether the member may act (`may_request`); if not, a step the partner takes
    is said without a link to a form the member may not open."""
    today = tenant_today(tenant)
    rows = list(requests)
    for row in rows:
        row.tenant = tenant  # the page's tenant: no query per row for it
        row.claim_row = claim_of(row)
        step = next_step(row, today)
        if not working and step.kind == "action":
            step = Step(step.text, "wait")
        row.step = step
    return rows


# -- one request ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    text: str
    reason: str
    #: "claim" for the claim's events
    about: str = "request"


def timeline(request: MdfRequest, claim: Claim | None) -> list[TimelineEntry]:
    """The request's history (and its claim's), newest first, as sentences with every reason
    given: what the partner did and what the vendor decided (two queries)."""
    events: list[tuple[AuditEvent, str]] = [
        (e, "request") for e in audit_events_for(tenant=request.tenant, obj=request, limit=200)
    ]
    if claim is not None:
        events += [
            (e, "claim") for e in audit_events_for(tenant=request.tenant, obj=claim, limit=200)
        ]
    events.sort(key=lambda pair: (pair[0].created_at, pair[0].pk), reverse=True)
    entries = []
    for event, about in events:
        if event.action not in PARTNER_ACTIONS:
            continue
        sentence = describe(event)
        entries.append(
            TimelineEntry(at=event.created_at, text=sentence.text, reason=event.reason, about=about)
        )
    return entries


def campaign_deals(request: MdfRequest) -> list[Deal]:
    """The registrations linked to the campaign (one query)."""
    return [
        link.deal
        for link in CampaignDeal.objects.filter(tenant_id=request.tenant_id, request=request)
        .select_related("deal")
        .order_by("deal__customer_name", "deal_id")
    ]


def deals_to_link(membership: Membership, request: MdfRequest) -> QuerySet[Deal]:
    """The registrations a claim may name as coming from the campaign: the member's own (a
    partner admin: the company's), of the request's company, anything but drafts, withdrawn
    ones and those the vendor rejected (they are no pipeline the campaign brought; a lost deal
    was, and counts)."""
    return (
        deals_for(membership=membership)
        .filter(partner_id=request.partner_id)
        .exclude(status__in=[Deal.Status.DRAFT, Deal.Status.WITHDRAWN, Deal.Status.REJECTED])
        .order_by("-created_at", "-id")
    )


def reimbursable(claim: Claim, request: MdfRequest, fund: Fund) -> Decimal | None:
    """The most the claim can be reimbursed: the smaller of the approved amount and the
    actual spend times the fund's cap (None while the spend is not given)."""
    if claim.actual_spend is None or request.approved_amount is None:
        return None
    capped = quantize(claim.actual_spend * fund.reimbursement_cap / 100, claim.currency)
    return min(request.approved_amount, capped)


# -- the home card ----------------------------------------------------------------------------


@dataclass
class HomeSummary:
    """The Funds card: what the company may still request, and the nearest claim deadline."""

    #: (fund, available, currency) of open funds the member may request from, most available
    #: first
    open_funds: list[tuple[Fund, Decimal, str]] = field(default_factory=list)
    #: the approved request whose claim is due first, with no claim filed
    claim_due: MdfRequest | None = None
    #: how many approved requests wait for a claim
    claims_waiting: int = 0
    #: requests sent back with a question
    questions: int = 0
    #: the request sent back, when the card can name it without another query
    question: MdfRequest | None = None


def home_summary(membership: Membership) -> HomeSummary:
    """Counted in SQL, two queries whatever the number of funds and requests (and the tenant's
    MDF settings for a rep: whether reps may request)."""
    tenant = membership.tenant
    today = tenant_today(tenant)
    summary = HomeSummary()
    if may_request(membership):
        open_allocations = (
            allocations_visible_to(membership)
            .filter(fund__closes_on__gte=today)
            .select_related("fund")
            .order_by("fund__closes_on", "fund__name")[:20]
        )
        summary.open_funds = sorted(
            (
                (a.fund, a.available, a.currency)
                for a in open_allocations
                if a.available > 0 and a.fund.opens_on <= today
            ),
            key=lambda row: -row[1],
        )[:2]
    # One query for the rest: the approved requests not claimed yet and those sent back, the
    # first claim due first, each row carrying both counts (window aggregates over all rows).
    waiting = Q(status=R.APPROVED, has_claim=False)
    asked = Q(status=R.INFO_REQUESTED)
    rows = (
        requests_visible_to(membership)
        .annotate(
            has_claim=Exists(Claim.objects.filter(tenant_id=tenant.pk, request=OuterRef("pk")))
        )
        .filter(waiting | asked)
        .annotate(
            waiting_total=Window(Count("pk", filter=waiting)),
            asked_total=Window(Count("pk", filter=asked)),
            asked_first=Case(When(waiting, then=Value(0)), default=Value(1)),
        )
        .select_related("fund")
        .order_by("asked_first", "claim_due_on", "id")[:1]
    )
    for row in rows:
        summary.claims_waiting = row.waiting_total
        summary.questions = row.asked_total
        summary.claim_due = row if row.waiting_total else None
        if not row.waiting_total and row.asked_total == 1:
            summary.question = row  # the one request sent back: the card links to it
    return summary
