"""Events of the MDF app (emitted by `mdf.services`), and the data each carries.

Notification rules for them are in `notifications.py`; the audit sentences in `phrases.py`.
"""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deals.events import tenant_day
from prm.money import format_money
from prm.notifications.categories import declare_category
from prm.notifications.events import declare
from prm.tenancy.models import Tenant

from .models import Allocation, Claim, Fund, MdfRequest

declare_category("mdf", _("Market development funds"))

_REQUEST = ("request", "title", "partner", "fund", "amount")
_CLAIM = ("claim", "request", "title", "partner", "fund", "spend")

REQUEST_CHANGED = declare(
    "mdf.request.changed", "A partner changed a request (a draft, or one sent back).", _REQUEST
)
REQUEST_SUBMITTED = declare(
    "mdf.request.submitted",
    "A partner submitted a request for funds (first submission or resubmission).",
    (*_REQUEST, "due", "review"),
)
REQUEST_WITHDRAWN = declare(
    "mdf.request.withdrawn", "A partner withdrew a request for funds.", _REQUEST
)
REQUEST_INFO_REQUESTED = declare(
    "mdf.request.info_requested",
    "A CAM asked the partner for more information on a request, with a question.",
    (*_REQUEST, "question"),
)
REQUEST_APPROVED = declare(
    "mdf.request.approved",
    "A request was approved (in full or in part), with the amount and the reason.",
    (*_REQUEST, "approved", "reason", "claim_due"),
)
REQUEST_SECOND_APPROVAL = declare(
    "mdf.request.second_approval",
    "A CAM approved a request above the fund's threshold: a program leader's approval is due.",
    (*_REQUEST, "approved", "reason"),
)
REQUEST_REJECTED = declare(
    "mdf.request.rejected",
    "A request was rejected with a reason: the partner may fix it and submit it again.",
    (*_REQUEST, "reason"),
)
REQUEST_DECLINED = declare(
    "mdf.request.declined", "A request was declined with a reason (final).", (*_REQUEST, "reason")
)
REQUEST_SLA_OVERDUE = declare(
    "mdf.request.sla_overdue",
    "A submitted request passed its decision target (the partner's CAMs are told).",
    (*_REQUEST, "due", "level"),
)
REQUEST_SLA_ESCALATED = declare(
    "mdf.request.sla_escalated",
    "A request is still undecided well past its target (the program leaders are told).",
    (*_REQUEST, "due", "level"),
)
REQUEST_RELEASED = declare(
    "mdf.request.released",
    "Vendor staff released what an approved request held, with a reason (it will not be claimed).",
    (*_REQUEST, "released", "reason"),
)
CLAIM_CHANGED = declare("mdf.claim.changed", "A partner changed a claim.", _CLAIM)
CLAIM_SUBMITTED = declare(
    "mdf.claim.submitted", "A partner filed a claim for reimbursement with its proof.", _CLAIM
)
CLAIM_INFO_REQUESTED = declare(
    "mdf.claim.info_requested",
    "A CAM asked the partner for more information on a claim, with a question.",
    (*_CLAIM, "question"),
)
CLAIM_APPROVED = declare(
    "mdf.claim.approved",
    "A CAM approved a claim: the amount is due to the partner.",
    (*_CLAIM, "approved", "reason"),
)
CLAIM_REJECTED = declare(
    "mdf.claim.rejected", "A CAM rejected a claim, with a reason.", (*_CLAIM, "reason")
)
CLAIM_PAID = declare(
    "mdf.claim.paid",
    "An approved claim was paid: the date and the payment reference.",
    (*_CLAIM, "approved", "paid_on", "reference"),
)
CLAIM_DUE_SOON = declare(
    "mdf.claim.due_soon",
    "An approved request's claim deadline is near and no claim was filed.",
    (*_REQUEST, "claim_due", "days"),
)
CLAIM_OVERDUE = declare(
    "mdf.claim.overdue",
    "An approved request's claim deadline passed with no claim filed.",
    (*_REQUEST, "claim_due"),
)
CLAIM_EXTENDED = declare(
    "mdf.claim.extended",
    "A CAM extended the deadline for an approved request's claim, with a reason.",
    (*_REQUEST, "claim_due", "reason"),
)
WINDOW_OPENED = declare(
    "mdf.fund.window_opened",
    "A fund's request window opened (its partners with an allocation are told).",
    ("fund", "partner", "allocated", "closes"),
)
ALLOCATION_CHANGED = declare(
    "mdf.allocation.changed",
    "Vendor staff gave a partner an allocation of a fund, or changed it.",
    ("fund", "partner", "allocated", "reason"),
)
ALLOCATION_LOW = declare(
    "mdf.allocation.low",
    "What a partner may still ask for from a fund fell below the warning share.",
    ("fund", "partner", "available", "allocated"),
)


def request_event_data(request: MdfRequest, **extra: Any) -> dict[str, Any]:
    """The placeholders every request event offers (and the ids recipients are found by)."""
    return {
        "request": request.reference,
        "request_id": request.pk,
        "title": request.title,
        "partner": request.partner.name,
        "partner_id": request.partner_id,
        "owner_id": request.owner_id,
        "fund": request.fund.name,
        "amount": format_money(request.amount, request.currency),
        "claim_due": tenant_day(request.tenant, request.claim_due_on)
        if request.claim_due_on
        else "",
        "review": review_opens_text(request),
        **extra,
    }


def tenant_today(tenant: Tenant, now: datetime | None = None) -> date:
    """The tenant's date at `now` (in its time zone, whatever the server's is)."""
    return timezone.localdate(now or timezone.now(), timezone=ZoneInfo(tenant.time_zone))


def review_opens_text(request: MdfRequest) -> str:
    """For a request collected ahead of its fund's period: when CAMs start reviewing it."""
    fund: Fund = request.fund
    if not fund.collect_ahead or fund.starts_on <= tenant_today(request.tenant):
        return ""
    return str(
        _("Requests collected ahead are reviewed together from %(day)s.")
        % {"day": tenant_day(request.tenant, fund.starts_on)}
    )


def claim_event_data(claim: Claim, **extra: Any) -> dict[str, Any]:
    """The placeholders every claim event offers."""
    request = claim.request
    return {
        "claim": claim.reference,
        "claim_id": claim.pk,
        "request": request.reference,
        "request_id": request.pk,
        "title": request.title,
        "partner": claim.partner.name,
        "partner_id": claim.partner_id,
        "owner_id": claim.owner_id,
        "fund": request.fund.name,
        "spend": format_money(claim.actual_spend, claim.currency),
        **extra,
    }


def allocation_event_data(allocation: Allocation, **extra: Any) -> dict[str, Any]:
    """The placeholders of allocation events."""
    fund: Fund = allocation.fund
    return {
        "fund": fund.name,
        "fund_id": fund.pk,
        "partner": allocation.partner.name,
        "partner_id": allocation.partner_id,
        "allocated": format_money(allocation.allocated, allocation.currency),
        "available": format_money(allocation.available, allocation.currency),
        **extra,
    }
