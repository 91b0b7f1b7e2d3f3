"""The member's registrations: the list with its status tabs, search, date and "expiring soon"
filters and sortable columns, and its CSV export of the same rows in the same order.

Everything the list is asked comes from the query string through `DealFilterForm` (a value it
refuses is left out), and every link the page makes (tabs, column headers, pages, the export)
carries the rest of the query along.
"""

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from prm.csvio.writing import csv_response, export_filename
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..forms import DealFilterForm
from ..models import Deal
from ..selectors import (
    DealListQuery,
    contested_by_later,
    deal_list_order,
    deals_listed,
    status_counts,
)

PAGE_SIZE = 25


#: the sortable columns of the list: the sort's name and the column's header
SORTABLE = {
    "customer": _lazy("Customer"),
    "amount": _lazy("Amount"),
    "status": _lazy("Status"),
    "submitted": _lazy("Submitted"),
    "protection": _lazy("Protection ends / decision due"),
}


def _filtered(request: TenantRequest) -> tuple[QuerySet[Deal], DealListQuery]:
    query = DealFilterForm(request.GET).filters()
    return deals_listed(membership=request.membership, query=query), query


def _columns(query: DealListQuery) -> dict[str, dict[str, Any]]:
    """Each sortable column's header: its link (ascending first, the other way when it is the
    current sort; back to the first page) and `aria-sort` when the list is sorted by it."""
    columns = {}
    for name, label in SORTABLE.items():
        current = query.sort.removeprefix("-") == name
        descending = query.sort.startswith("-")
        next_sort = name if not current or descending else f"-{name}"
        columns[name] = {
            "label": label,
            "url": "?" + urlencode(query.params(sort=next_sort)),
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        }
    return columns


@requires("portal.deals")
def deal_list(request: TenantRequest) -> HttpResponse:
    deals, query = _filtered(request)
    counts = status_counts(deals)
    shown = deals.filter(status=query.status) if query.status else deals
    # Both sides of a conflict show in the list: the later one "under review", the earlier one
    # "contested" (an EXISTS per row of the page).
    shown = shown.annotate(contested=contested_by_later()).order_by(*deal_list_order(query.sort))
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [("", _("All"), sum(counts.values()), urlencode(query.params(status="")))] + [
        (value, label, counts.get(value, 0), urlencode(query.params(status=value)))
        for value, label in Deal.Status.choices
        if counts.get(value) or value == query.status
    ]
    return render(
        request,
        "deals/deal_list.html",
        {
            "page": page,
            "tabs": tabs,
            "status": query.status,
            "filters": query,
            "query": urlencode(query.params()),
            "columns": _columns(query),
            "clear_query": urlencode(
                query.params(q="", submitted_from="", submitted_to="", expiring="")
            ),
            "company_view": request.membership.can("portal.deals.company"),
            "anything": bool(counts) or query.narrowed,
            "now": timezone.now(),
        },
    )


@requires("portal.deals")
def export(request: TenantRequest) -> HttpResponseBase:
    """Exactly the deals the member sees in the list, with its filters, as CSV."""
    deals, query = _filtered(request)
    if query.status:
        deals = deals.filter(status=query.status)
    deals = deals.order_by(*deal_list_order(query.sort))
    company = request.membership.can("portal.deals.company")
    header = [
        _("Reference"), _("Customer"), _("Website"), _("Country"), _("Contact"),
        _("Contact email"), _("Products"), _("Amount"), _("Currency"), _("Deal type"),
        _("Status"), _("Expected close"), _("Submitted"), _("Decision due"),
        _("Protected until"), _("Final amount"), _("Closed on"),
    ]  # fmt: skip
    if company:
        header.append(_("Registered by"))

    def rows() -> Iterator[list[Any]]:
        for deal in deals.prefetch_related("products").iterator(chunk_size=500):
            row = [
                deal.reference, deal.customer_name, deal.customer_website, deal.country.name,
                deal.contact_name, deal.contact_email,
                ", ".join(p.name for p in deal.products.all()), deal.amount, deal.currency,
                deal.get_deal_type_display(), deal.get_status_display(), deal.expected_close_on,
                deal.submitted_at,
                deal.sla_due_at if deal.status == Deal.Status.SUBMITTED else None,
                deal.expires_at if deal.status == Deal.Status.APPROVED else None,
                deal.won_amount, deal.closed_on,
            ]  # fmt: skip
            if company:
                row.append(deal.owner.user.get_full_name() or deal.owner.user.email)
            yield row

    return csv_response(
        filename=export_filename(request.tenant.slug, _("deals"), timezone.localdate()),
        header=header,
        rows=rows(),
    )
