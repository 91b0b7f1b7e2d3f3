"""The portal shell: home, the member's other portals, the tenant's logo."""

from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from prm.portal.home import home_cards
from prm.tenancy.decorators import public, requires
from prm.tenancy.requests import TenantRequest, own_partner, user_of
from prm.tenancy.selectors import other_portals_for


@requires("portal.access")
def home(request: TenantRequest) -> HttpResponse:
    context = {"partner": own_partner(request), "program_cards": home_cards(request.membership)}
    return render(request, "portal/home.html", context)


@requires("account.self")
def my_portals(request: TenantRequest) -> HttpResponse:
    portals = other_portals_for(user=user_of(request), current=request.tenant)
    return render(request, "portal/my_portals.html", {"portals": portals})


@public
@cache_control(public=True, max_age=3600)
def logo(request: TenantRequest) -> HttpResponseBase:
    """The tenant's logo, read through the storage API (local disk or S3 alike)."""
    tenant = request.tenant
    if not tenant.logo:
        raise Http404
    return FileResponse(tenant.logo.open("rb"), content_type="image/png")
