"""The company's statements in the portal (B; partner admins, `portal.earnings.company`): the
list of approved and paid statements (never drafts), a statement's page with its totals and
lines, and its PDF and CSV.

Every page finds the statement through `statements_visible_to` first: another partner's,
another tenant's, a draft or a missing one answers 404 alike, and the files are served only
then.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from prm.filters import parse_id
from prm.metrics.periods import Period
from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..downloads import csv_of, pdf_response
from ..models import Statement
from ..services import statements as service

#: statements on one page of the list
PER_PAGE = 25


def _statement(request: TenantRequest, pk: int) -> Statement:
    return get_object_or_404(
        service.statements_visible_to(request.membership)
        .select_related("partner", "tenant")
        .prefetch_related("totals"),
        pk=pk,
    )


@requires("portal.earnings.company")
def statements(request: TenantRequest) -> HttpResponse:
    """The company's approved and paid statements, newest period first, with their totals."""
    found = (
        service.statements_visible_to(request.membership)
        .prefetch_related("totals")
        .order_by("-period_end", "-id")
    )
    number = parse_id(request.GET.get("page")) or 1
    page = Paginator(found, PER_PAGE).get_page(number)
    for statement in page.object_list:
        statement.period_text = service.period_label(
            request.tenant, Period(statement.period_start, statement.period_end)
        )
    return render(request, "commissions/statements.html", {"page": page})


@requires("portal.earnings.company")
def statement(request: TenantRequest, pk: int) -> HttpResponse:
    """One statement: its status (paid on, reference), totals per currency, its lines a page at
    a time, each linking to the line's trace."""
    found = _statement(request, pk)
    page = service.lines_page(found, request.GET.get("after"))
    for line in page.lines:
        line.description = service.line_description(line)  # type: ignore[attr-defined]
    context = {
        "statement": found,
        "period": service.period_label(
            request.tenant, Period(found.period_start, found.period_end)
        ),
        "totals": list(found.totals.all()),
        "lines_page": page,
        "line_count": service.statement_lines(found).count(),
    }
    return render(request, "commissions/statement_detail.html", context)


@requires("portal.earnings.company")
def statement_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    return pdf_response(_statement(request, pk))


@requires("portal.earnings.company")
def statement_csv(request: TenantRequest, pk: int) -> HttpResponseBase:
    return csv_of(_statement(request, pk))
