"""The partner scorecard page in the portal (/scorecard/): a partner admin's company figures
against its tier, a rep's own figures (`reporting.scorecard`)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..scorecard import ScorecardQuery, scorecard_of


@require_safe
@requires("portal.scorecard")
def scorecard(request: TenantRequest) -> HttpResponse:
    """The scorecard for the asked period (`?span=`: month, quarter, year or last 90 days;
    anything else is this fiscal quarter)."""
    form = ScorecardQuery(request.GET)
    span = form.values()["span"]
    card = scorecard_of(request.membership, span=span)
    return render(request, "reporting/scorecard.html", {"card": card, "form": form})
