"""The portal's Funds page: the company's balance per fund, the request windows and their
deadlines, and the member's requests and claims with the next step of each."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..access import may_request
from ..portal import fund_balances, portal_requests, with_steps

PAGE_SIZE = 25


@requires("portal.mdf")
def funds(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    page = Paginator(portal_requests(membership), PAGE_SIZE).get_page(request.GET.get("page"))
    working = may_request(membership)
    rows = with_steps(page.object_list, request.tenant, working=working)
    return render(
        request,
        "mdf/funds.html",
        {
            "balances": fund_balances(membership),
            "page": page,
            "rows": rows,
            "may_request": working,
            "company_view": membership.can("portal.mdf.company"),
        },
    )
