"""The portal's money pages: the money view (earned, pending, approved and paid, per currency,
across every money source), the per-deal breakdown, and one line's trace with its disputes.

Partner admins see the company's money; reps their own deals' when the tenant allows it
(`commissions.portal.sees_earnings`); anyone else gets 403. A line of another partner, another
rep's deal or another tenant answers 404 like a missing one.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..engine import explain
from ..portal import (
    company_view,
    deal_rows,
    earning_deals,
    line_trace,
    lines_visible_to,
    money_of,
    sees_earnings,
)
from ..services.disputes import may_question

#: deals per page of the breakdown
PAGE_SIZE = 25


def require_earnings(request: TenantRequest) -> None:
    """403 for a member the tenant does not show earnings to (a rep, unless allowed)."""
    if not sees_earnings(request.membership):
        raise PermissionDenied


@requires("portal.earnings")
def money(request: TenantRequest) -> HttpResponse:
    """The money view."""
    require_earnings(request)
    membership = request.membership
    return render(
        request,
        "commissions/money.html",
        {"money": money_of(membership), "company_view": company_view(membership)},
    )


@requires("portal.earnings")
def deals(request: TenantRequest) -> HttpResponse:
    """The deals that earned, a page at a time, with their commission and SPIF awards."""
    require_earnings(request)
    membership = request.membership
    page = Paginator(earning_deals(membership), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissions/deals.html",
        {
            "page": page,
            "rows": deal_rows(membership, list(page.object_list)),
            "company_view": company_view(membership),
        },
    )


@requires("portal.earnings")
def line(request: TenantRequest, pk: int) -> HttpResponse:
    """A line's trace: what it is, how it was worked out, where it stands, its reversal and
    its dispute history; partner admins may question it."""
    require_earnings(request)
    membership = request.membership
    found = get_object_or_404(
        lines_visible_to(membership).select_related(
            "deal", "plan_version", "statement", "reverses", "tier", "partner_type"
        ),
        pk=pk,
    )
    trace = line_trace(found)
    basis = found.basis or {}
    return render(
        request,
        "commissions/line.html",
        {
            "line": found,
            "trace": trace,
            "how": explain(basis) if basis.get("base") else "",
            "may_question": may_question(membership, found),
            "company_view": company_view(membership),
        },
    )
