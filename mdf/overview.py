"""The partner page's "Market development funds" section (`prm.workspace.partner_page`), and the
MDF rows whose history belongs in the page's recent activity.

The section answers what a CAM asks before a call: how much of each fund the partner has left,
what waits for a decision (and how long it has), which claims are due from the partner or
waiting on the vendor, and what the money brought (`mdf.roi.partner_roi`). Reads start from
`mdf.access`: what the viewing member may see.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.money import format_money
from prm.sla import sla_state
from prm.tenancy.models import Membership
from prm.workspace.partner_page import PartnerSection
from prm.workspace.ui import badge

from .access import allocations_visible_to, claims_visible_to, requests_visible_to
from .events import tenant_today
from .models import Allocation, Claim, MdfRequest
from .roi import partner_roi

#: rows listed by name in each part of the section
SHOWN = 5
#: funds whose balance is shown (the latest periods first)
FUNDS_SHOWN = 6

R = MdfRequest.Status
#: requests waiting for the vendor or the partner before a decision
OPEN = (R.SUBMITTED, R.INFO_REQUESTED, R.SECOND_APPROVAL)
#: claims waiting for the vendor: a decision, or the payment
WAITING = (Claim.Status.SUBMITTED, Claim.Status.INFO_REQUESTED, Claim.Status.APPROVED)


@dataclass(frozen=True)
class Balance:
    """One fund's allocation to the partner, formatted."""

    fund: str
    url: str
    allocated: str
    committed: str
    claimed: str
    paid: str
    available: str
    #: committed, claimed and paid as a share of what was allocated
    used: Decimal | None
    low: bool


def _balance(allocation: Allocation) -> Balance:
    money = allocation.currency
    used = None
    if allocation.allocated > 0:
        spent = allocation.allocated - allocation.available
        used = (spent * 100 / allocation.allocated).quantize(Decimal("1"))
    return Balance(
        fund=allocation.fund.name,
        url=reverse("admin:mdf_fund_overview", args=[allocation.fund_id]),
        allocated=format_money(allocation.allocated, money),
        committed=format_money(allocation.committed, money),
        claimed=format_money(allocation.claimed, money),
        paid=format_money(allocation.reimbursed, money),
        available=format_money(allocation.available, money),
        used=used,
        low=allocation.low_warned_at is not None and allocation.available < allocation.allocated,
    )


def _request_list(partner: Partner, **params: str) -> str:
    return (
        reverse("admin:mdf_mdfrequest_changelist")
        + "?"
        + urlencode({**params, "partner": str(partner.pk)})
    )


#: statuses the shared badge colours do not name
_BADGES = {R.SECOND_APPROVAL.value: "medium", Claim.Status.PAID.value: "status-approved"}


def _status(status: str, text: Any) -> SafeString:
    return badge(_BADGES.get(status, f"status-{status}"), text)


def mdf_section(partner: Partner, membership: Membership) -> PartnerSection:
    """Balances per fund, open requests with their decision clock, claims due from the partner
    or waiting on the vendor, and the partner's MDF ROI (6 queries)."""
    allocations = list(
        allocations_visible_to(membership)
        .filter(partner=partner)
        .select_related("fund")
        .order_by("-fund__starts_on", "fund__name")[:FUNDS_SHOWN]
    )
    requests = requests_visible_to(membership).filter(partner=partner)
    counts = requests.order_by().aggregate(
        open=Count("id", filter=Q(status__in=OPEN)),
        overdue=Count("id", filter=Q(status=R.SUBMITTED, sla_due_at__lte=timezone.now())),
        approved=Count("id", filter=Q(status=R.APPROVED)),
        total=Count("id", filter=~Q(status=R.DRAFT)),
    )
    now = timezone.now()
    tz = timezone.get_current_timezone_name()
    open_requests = []
    for request in (
        requests.filter(status__in=OPEN).select_related("fund").order_by("sla_due_at", "id")[:SHOWN]
    ):
        clock = None
        if request.status == R.SUBMITTED and request.sla_due_at is not None:
            clock = badge(*sla_state(request.sla_due_at, tz, now))
        open_requests.append(
            {
                "request": request,
                "url": reverse("admin:mdf_mdfrequest_change", args=[request.pk]),
                "amount": format_money(request.amount, request.currency),
                "status": _status(request.status, request.get_status_display()),
                "clock": clock,
            }
        )
    # Funded activities the partner has not claimed yet, nearest deadline first.
    today = tenant_today(membership.tenant)
    unclaimed = []
    for request in (
        requests.filter(status=R.APPROVED, claim_due_on__isnull=False)
        .filter(Q(claim__isnull=True) | Q(claim__status=Claim.Status.DRAFT))
        .order_by("claim_due_on", "id")[:SHOWN]
    ):
        assert request.claim_due_on is not None
        unclaimed.append(
            {
                "request": request,
                "url": reverse("admin:mdf_mdfrequest_change", args=[request.pk]),
                "amount": format_money(request.approved_amount, request.currency),
                "due": request.claim_due_on,
                "overdue": request.claim_due_on < today,
            }
        )
    waiting = []
    for claim in (
        claims_visible_to(membership)
        .filter(partner=partner, status__in=WAITING)
        .select_related("request")
        .order_by("status", "sla_due_at", "id")[:SHOWN]
    ):
        due_for_payment = claim.status == Claim.Status.APPROVED
        waiting.append(
            {
                "claim": claim,
                "url": reverse("admin:mdf_claim_change", args=[claim.pk]),
                "amount": format_money(
                    claim.approved_amount if due_for_payment else claim.actual_spend,
                    claim.currency,
                ),
                "status": _status(claim.status, claim.get_status_display()),
            }
        )
    rois = [
        {
            "currency": roi.currency,
            "spend": format_money(roi.spend, roi.currency),
            "pipeline": format_money(roi.pipeline, roi.currency),
            "revenue": format_money(roi.revenue, roi.currency),
            "ratio": roi.revenue_ratio,
            "pipeline_ratio": roi.pipeline_ratio,
            "leads": roi.leads,
            "campaigns": roi.campaigns,
        }
        for (_partner, _currency), roi in sorted(
            partner_roi([partner.pk], tenant_id=partner.tenant_id).items(), key=lambda i: i[0][1]
        )
    ]
    return PartnerSection(
        key="mdf",
        title=gettext_lazy("Market development funds"),
        template="admin/mdf/overview/mdf.html",
        context={
            "balances": [_balance(a) for a in allocations],
            "counts": counts,
            "open": open_requests,
            "unclaimed": unclaimed,
            "waiting": waiting,
            "rois": rois,
            "open_url": _request_list(partner, status=R.SUBMITTED),
            "overdue_url": _request_list(partner, overdue="yes"),
        },
        links=[(gettext_lazy("All its MDF requests"), _request_list(partner))],
    )


def requests_of_partner(partner: Partner) -> QuerySet[MdfRequest]:
    """The partner's MDF requests, whose history belongs on its page."""
    return MdfRequest.objects.filter(tenant_id=partner.tenant_id, partner=partner)


def claims_of_partner(partner: Partner) -> QuerySet[Claim]:
    """The partner's claims, whose history belongs on its page."""
    return Claim.objects.filter(tenant_id=partner.tenant_id, partner=partner)


def allocations_of_partner(partner: Partner) -> QuerySet[Allocation]:
    """The partner's allocations (set, changed, running low), whose history belongs on its page."""
    return Allocation.objects.filter(tenant_id=partner.tenant_id, partner=partner)
