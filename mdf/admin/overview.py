"""The fund overview and an allocation's ledger in the admin UI.

The overview shows where the fund's money stands (the budget bar: paid, claimed, committed,
available and unallocated, with the figures beside it as text), how much of it is used, what it
brought (ROI), a table per partner, and its requests counted by status. A CAM sees their own
partners' rows, and the totals over them. The ledger page lists every movement of one allocation
with its actor, reason and source, and gives them as a CSV file. Every figure is summed in SQL:
the pages cost the same number of queries whatever the number of partners or movements.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.csvio.writing import csv_response, export_filename
from prm.money import format_money
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import tenant_admin_site

from ..access import allocations_visible_to
from ..funds import (
    Balances,
    allocation_movements,
    fund_allocations,
    fund_balances,
    fund_roi,
    funds_visible_to,
    partner_rois,
    percent,
    request_status_counts,
)
from ..ledger import effects_of
from ..models import Allocation, Fund, MdfRequest
from ..services.funds import period_label, window_of

PAGE_SIZE = 50
MOVEMENTS_PAGE = 100
BAR_WIDTH = 600
BAR_HEIGHT = 28


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    amount: Decimal
    text: str
    explanation: str


def bar_segments(balances: Balances, *, whole_fund: bool) -> list[Segment]:
    """The bar's parts, in the order money moves: paid, claimed, committed, available, and (for
    the whole fund) the budget not allocated yet."""
    c = balances.currency
    parts = [
        ("paid", _("Paid"), balances.reimbursed, _("reimbursed to partners")),
        ("claimed", _("Claimed"), balances.claimed, _("approved claims waiting to be paid")),
        ("committed", _("Committed"), balances.committed, _("held by approved requests")),
        ("available", _("Available"), balances.available, _("allocated, not yet asked for")),
    ]
    if whole_fund:
        parts.append(
            ("unallocated", _("Unallocated"), balances.unallocated, _("not given to a partner"))
        )
    return [
        Segment(k, str(label), amount, format_money(amount, c), str(why))
        for k, label, amount, why in parts
    ]


def budget_bar(segments: list[Segment], *, title: str) -> SafeString:
    """The segments as one stacked SVG bar (painted by mdf/funds.css in the tenant's colours);
    its accessible name says every figure, and the legend beside it repeats them as text."""
    whole = sum((s.amount for s in segments if s.amount > 0), Decimal(0))
    rects = []
    x = Decimal(0)
    for segment in segments:
        if segment.amount <= 0 or not whole:
            continue
        width = Decimal(BAR_WIDTH) * segment.amount / whole
        rects.append(
            (
                segment.key,
                f"{x:.1f}",
                f"{width:.1f}",
                BAR_HEIGHT,
                f"{segment.label}: {segment.text}",
            )
        )
        x += width
    body = format_html_join(
        "",
        '<rect class="bar-{}" x="{}" y="0" width="{}" height="{}"><title>{}</title></rect>',
        rects,
    )
    label = title + ": " + "; ".join(f"{s.label} {s.text}" for s in segments)
    return format_html(
        '<svg class="mdf-bar" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" '
        'height="{}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        '<rect class="bar-track" x="0" y="0" width="{}" height="{}"></rect>{}</svg>',
        label,
        BAR_WIDTH,
        BAR_HEIGHT,
        BAR_WIDTH,
        BAR_HEIGHT,
        BAR_WIDTH,
        BAR_HEIGHT,
        body,
    )


def _fund(request: HttpRequest, pk: int) -> Fund:
    return get_object_or_404(funds_visible_to(membership_of(request)), pk=pk)


@requires("mdf.view")
def fund_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """One fund: the budget bar, utilisation, ROI, its requests by status and a table per
    partner (50 a page), over the partners the member sees."""
    membership = membership_of(request)
    fund = _fund(request, pk)
    whole_fund = membership.can("partners.view_all")
    balances = fund_balances(membership, fund)
    segments = bar_segments(balances, whole_fund=whole_fund)
    page = Paginator(fund_allocations(membership, fund), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    allocations: list[Allocation] = list(page.object_list)
    rois = partner_rois(membership, fund, [a.partner_id for a in allocations])
    rows = []
    for allocation in allocations:
        used = allocation.committed + allocation.claimed + allocation.reimbursed
        rows.append(
            {
                "allocation": allocation,
                "used_rate": percent(used, allocation.allocated),
                "claim_rate": percent(allocation.claimed + allocation.reimbursed, used),
                "roi": rois.get(allocation.partner_id),
            }
        )
    counts = request_status_counts(membership, fund)
    statuses = [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0)}
        for s in MdfRequest.Status
        if counts.get(s.value)
    ]
    title = _("Overview of %(fund)s") % {"fund": fund.name}
    context = {
        **tenant_admin_site.each_context(request),
        "title": title,
        "opts": Fund._meta,
        "fund": fund,
        "period": period_label(fund),
        "window": window_of(fund, timezone.localdate()),
        "balances": balances,
        "segments": segments,
        "bar": budget_bar(segments, title=_("Where the money stands")),
        "whole_fund": whole_fund,
        "roi": fund_roi(membership, fund),
        "rows": rows,
        "page": page,
        "statuses": statuses,
        "requests_total": sum(counts.values()),
        "may_manage": membership.can("mdf.manage"),
    }
    return TemplateResponse(request, "admin/mdf/fund/overview.html", context)


def _allocation(request: HttpRequest, pk: int) -> Allocation:
    """An allocation the member sees (a CAM: of their partners), else 404."""
    return get_object_or_404(
        allocations_visible_to(membership_of(request)).select_related("fund", "partner", "tier"),
        pk=pk,
    )


def _direction(movement: Any) -> str:
    """What the line did to the balances, as text ("committed +500.00")."""
    parts = []
    for name, delta in effects_of(movement).items():
        sign = "+" if delta > 0 else "-"
        parts.append(f"{BALANCE_NAMES[name]} {sign}{format_money(abs(delta), movement.currency)}")
    return ", ".join(parts)


BALANCE_NAMES = {
    "allocated": gettext_lazy("allocated"),
    "committed": gettext_lazy("committed"),
    "claimed": gettext_lazy("claimed"),
    "reimbursed": gettext_lazy("paid"),
}


@requires("mdf.view")
def allocation_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """Every movement of one allocation (100 a page), oldest first, with its effect on the
    balances, its actor, reason and source."""
    allocation = _allocation(request, pk)
    page = Paginator(allocation_movements(allocation), MOVEMENTS_PAGE).get_page(
        request.GET.get("page")
    )
    lines = [{"m": m, "effect": _direction(m)} for m in page.object_list]
    fund = allocation.fund
    context = {
        **tenant_admin_site.each_context(request),
        "title": _("Ledger of %(partner)s in %(fund)s")
        % {"partner": allocation.partner.name, "fund": fund.name},
        "opts": Fund._meta,
        "fund": fund,
        "allocation": allocation,
        "used_rate": percent(
            allocation.committed + allocation.claimed + allocation.reimbursed, allocation.allocated
        ),
        "lines": lines,
        "page": page,
        "may_manage": membership_of(request).can("mdf.manage"),
    }
    return TemplateResponse(request, "admin/mdf/allocation/ledger.html", context)


MOVEMENT_COLUMNS = [
    gettext_lazy("Date"),
    gettext_lazy("Movement"),
    gettext_lazy("Amount"),
    gettext_lazy("Currency"),
    gettext_lazy("Effect"),
    gettext_lazy("By"),
    gettext_lazy("Reason"),
    gettext_lazy("Request"),
    gettext_lazy("Claim"),
    gettext_lazy("Reverses line"),
    gettext_lazy("Line"),
]


@requires("mdf.view")
def allocation_ledger_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The allocation's movements as a CSV file (amounts as numbers, text formula-safe)."""
    allocation = _allocation(request, pk)
    movements = allocation_movements(allocation)

    def lines() -> Iterator[list[Any]]:
        for m in movements.iterator(chunk_size=500):
            yield [
                m.created_at,
                m.get_kind_display(),
                m.amount,
                m.currency,
                _direction(m),
                m.actor.email if m.actor else _("the system"),
                m.reason,
                m.request.reference if m.request else "",
                m.claim.reference if m.claim else "",
                m.reverses_id or "",
                m.pk,
            ]

    return csv_response(
        filename=export_filename(
            tenant_of(request).slug,
            f"{allocation.fund.name} {allocation.partner.name} ledger",
            timezone.localdate(),
        ),
        header=MOVEMENT_COLUMNS,
        rows=lines(),
    )
