"""The partner's "My program" page: where the company stands in the vendor's program."""

from django.http import HttpResponse
from django.shortcuts import render

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest, own_partner

from ..models import Partner
from ..program import program_sections


@requires("portal.access")
def program(request: TenantRequest) -> HttpResponse:
    partner = own_partner(request)
    assert isinstance(partner, Partner)
    return render(
        request,
        "partners/program.html",
        {"partner": partner, "sections": program_sections(partner, request.membership)},
    )
