"""Reference views: what the cheapest pages on the same stack cost, to compare scenarios with.

They run behind the same middleware as every tenant page (tenant by host, session, membership).
Not part of the product: only `bench.urls` routes to them.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deals.models import Deal

ROWS = 50


def bare(request: HttpRequest) -> HttpResponse:
    """A page returning text: the floor of the request path."""
    return HttpResponse("ok", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    """A page doing one small indexed query."""
    tenant = request.tenant  # type: ignore[attr-defined]
    n = Deal.objects.filter(tenant=tenant, pk__lte=1).count()
    return HttpResponse(f"{n}", content_type="text/plain")


def table(request: HttpRequest) -> HttpResponse:
    """50 of the member's company's registrations in the portal base template (one query)."""
    membership = request.membership  # type: ignore[attr-defined]
    deals = (
        Deal.objects.filter(tenant_id=membership.tenant_id, partner_id=membership.partner_id)
        .select_related("owner__user")
        .order_by("-created_at", "-id")[:ROWS]
    )
    return render(request, "bench/table.html", {"deals": deals})
