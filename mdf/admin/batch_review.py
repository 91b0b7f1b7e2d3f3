"""The batch review of a fund's waiting requests (for "collect ahead" funds: requests gathered
before the period opens and reviewed together when it does).

The page lists the fund's requests waiting for a decision that the member sees, each with a
checkbox and an amount (prefilled with what was asked), and what each allocation and the fund
would have left once the ticked ones are approved. The totals follow the ticks as they change
(htmx posts the form to the same page, which answers with the totals alone) and, without
JavaScript, with the "Recalculate" button; the server works them out either way. "Approve the
ticked requests" approves each one on its own (`review.request_approve`, its own transaction
and the allocation's lock): the page then says which succeeded and which were refused, and why.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from deals.admin.common import object_pk
from prm.filters import parse_id
from prm.money import format_money, quantize
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.workspace.sites import tenant_admin_site

from .. import ledger
from ..access import requests_visible_to
from ..models import Fund, MdfRequest
from ..services import review

ZERO = Decimal("0.00")


@dataclass
class Line:
    """One waiting request as the page shows it, with what the member ticked and typed."""

    request: MdfRequest
    ticked: bool
    amount_text: str  # as typed (kept when it is wrong)
    amount: Decimal | None  # parsed, None when not a valid amount
    reason: str
    error: str = ""


def _lines(request: HttpRequest, fund: Fund) -> list[Line]:
    waiting = (
        requests_visible_to(membership_of(request))
        .filter(fund=fund, status=MdfRequest.Status.SUBMITTED)
        .select_related("partner", "allocation", "tenant", "fund")
        .order_by("sla_due_at", "id")
    )
    posted = request.method == "POST"
    ticked = {parse_id(v) for v in request.POST.getlist("approve")} if posted else set()
    lines = []
    for r in waiting:
        text = request.POST.get(f"amount-{r.pk}", "") if posted else ""
        text = text.strip() or (str(r.amount) if r.amount is not None else "")
        try:
            amount: Decimal | None = quantize(Decimal(text), r.currency)
        except (InvalidOperation, ValueError):
            amount = None
        lines.append(
            Line(
                request=r,
                ticked=r.pk in ticked,
                amount_text=text[:20],
                amount=amount,
                reason=(request.POST.get(f"reason-{r.pk}", "") if posted else "")[:4000],
            )
        )
    return lines


def _totals(fund: Fund, lines: list[Line]) -> dict[str, Any]:
    """What each allocation and the fund have left once the ticked requests are approved."""
    ticked_by: dict[int, Decimal] = defaultdict(lambda: ZERO)
    allocations = {}
    for line in lines:
        allocation = line.request.allocation
        allocations[allocation.pk] = (allocation, line.request.partner.name)
        if line.ticked and line.amount is not None and line.amount > 0:
            ticked_by[allocation.pk] += line.amount
    rows = []
    for pk, (allocation, partner) in sorted(allocations.items(), key=lambda item: item[1][1]):
        left = allocation.available - ticked_by[pk]
        rows.append(
            {
                "partner": partner,
                "available": format_money(allocation.available, allocation.currency),
                "ticked": format_money(ticked_by[pk], allocation.currency),
                "left": format_money(left, allocation.currency),
                "over": left < 0,
            }
        )
    totals = ledger.fund_totals(fund_id=fund.pk, tenant_id=fund.tenant_id)
    spoken = totals["committed"] + totals["claimed"] + totals["reimbursed"]
    ticked = sum(ticked_by.values(), start=ZERO)
    fund_left = fund.budget - spoken - ticked
    return {
        "allocation_rows": rows,
        "fund_budget": format_money(fund.budget, fund.currency),
        "fund_spoken": format_money(spoken, fund.currency),
        "fund_ticked": format_money(ticked, fund.currency),
        "fund_left": format_money(fund_left, fund.currency),
        "fund_over": fund_left < 0,
        "ticked_count": sum(1 for line in lines if line.ticked),
    }


def _approve_ticked(request: HttpRequest, lines: list[Line]) -> list[dict[str, Any]]:
    """Each ticked request approved on its own; what happened to each."""
    actor = membership_of(request)
    outcomes = []
    for line in lines:
        if not line.ticked:
            continue
        r = line.request
        try:
            if line.amount is None:
                raise ValidationError({"amount": _("Enter an amount.")})
            review.request_approve(
                actor=actor, mdf_request=r, amount=line.amount, reason=line.reason
            )
        except (ValidationError, PermissionDenied) as exc:
            why = (
                " ".join(exc.messages)
                if isinstance(exc, ValidationError)
                else _("You may not decide this request.")
            )
            line.error = why
            outcomes.append({"request": r, "ok": False, "text": why})
        else:
            outcomes.append(
                {
                    "request": r,
                    "ok": True,
                    "text": _("approved for %(amount)s")
                    % {"amount": format_money(line.amount, r.currency)},
                }
            )
    return outcomes


@requires("mdf.approve")
def batch_review(request: HttpRequest, pk: str) -> HttpResponse:
    membership = membership_of(request)
    fund = get_object_or_404(Fund.objects.filter(tenant_id=membership.tenant_id), pk=object_pk(pk))
    lines = _lines(request, fund)
    outcomes: list[dict[str, Any]] = []
    partial = bool(request.headers.get("HX-Request"))  # the totals alone, as ticks change
    if request.method == "POST" and "approve_ticked" in request.POST and not partial:
        outcomes = _approve_ticked(request, lines)
        # the approved ones leave the list (no longer waiting); the refused ones stay ticked,
        # with why beside them
        errors = {o["request"].pk: o["text"] for o in outcomes if not o["ok"]}
        lines = _lines(request, fund)
        for line in lines:
            line.error = errors.get(line.request.pk, "")
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Batch review of %(fund)s") % {"fund": fund.name},
        "opts": MdfRequest._meta,
        "fund": fund,
        "lines": lines,
        "outcomes": outcomes,
        "approved_count": sum(1 for o in outcomes if o["ok"]),
        "refused_count": sum(1 for o in outcomes if not o["ok"]),
        **_totals(fund, lines),
    }
    if partial:
        return TemplateResponse(request, "admin/mdf/mdfrequest/_batch_totals.html", context)
    return TemplateResponse(request, "admin/mdf/mdfrequest/batch_review.html", context)
