"""The member's registrations: the list with its status tabs and search, and its CSV export."""

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from prm.csvio.writing import csv_response, export_filename
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..forms import DealFilterForm
from ..models import Deal
from ..selectors import contested_by_later, deals_matching, status_counts

PAGE_SIZE = 25


def _filtered(request: TenantRequest) -> tuple[Any, str, str]:
    status, q = DealFilterForm(request.GET).filters()
    deals = deals_matching(membership=request.membership, q=q)
    return deals, status, q


@requires("portal.deals")
def deal_list(request: TenantRequest) -> HttpResponse:
    deals, status, q = _filtered(request)
    counts = status_counts(deals)
    shown = deals.filter(status=status) if status else deals
    # Both sides of a conflict show in the list: the later one "under review", the earlier one
    # "contested" (an EXISTS per row of the page).
    shown = shown.annotate(contested=contested_by_later())
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0))
        for value, label in Deal.Status.choices
        if counts.get(value) or value == status
    ]
    query = {k: v for k, v in (("status", status), ("q", q)) if v}
    return render(
        request,
        "deals/deal_list.html",
        {
            "page": page,
            "tabs": tabs,
            "status": status,
            "q": q,
            "query": urlencode(query),
            "search_query": urlencode({"q": q}) if q else "",
            "company_view": request.membership.can("portal.deals.company"),
            "anything": bool(counts) or bool(q),
            "now": timezone.now(),
        },
    )


@requires("portal.deals")
def export(request: TenantRequest) -> HttpResponseBase:
    """Exactly the deals the member sees in the list, with its filters, as CSV."""
    deals, status, _q = _filtered(request)
    if status:
        deals = deals.filter(status=status)
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
