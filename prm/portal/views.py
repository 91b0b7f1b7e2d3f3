"""The portal shell: home, the member's other portals, the tenant's logo."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control

from prm.portal.home import home_cards
from prm.tenancy.branding import branding_for
from prm.tenancy.decorators import public, requires
from prm.tenancy.requests import TenantRequest, own_partner, user_of
from prm.tenancy.selectors import other_portals_for
from prm.uploads.private import stored_image_response


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
    return stored_image_response(request.tenant.logo)


@public
@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def colours(request: TenantRequest) -> HttpResponse:
    """The tenant's colours as CSS custom properties (`prm.tenancy.branding.Palette`).

    A stylesheet rather than a <style> element, so that a Content-Security-Policy need not allow
    inline styles. Its URL carries the palette's version (`Branding.colours_url`), so a year of
    caching still shows a changed colour at once. Every value is a colour computed from the
    tenant's validated `#rrggbb` choices: nothing typed reaches the stylesheet as it was typed.
    """
    palette = branding_for(request.tenant).palette
    body = "".join(f"  {name}: {value};\n" for name, value in palette.css_variables().items())
    return HttpResponse(f":root {{\n{body}}}\n", content_type="text/css; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """The product's 500 page (`handler500`): in the tenant's branding on its host.

    It renders without the request's context processors, which query the database (the error
    may be the database's), and falls back to the plain page if even that fails: an error page
    must never raise. Django has logged the error with its traceback before this runs.
    """
    tenant = getattr(request, "tenant", None)
    try:
        context = {"tenant": tenant, "branding": branding_for(tenant)} if tenant else {}
        html = render_to_string("500.html", context)
    except Exception:  # the page of last resort: whatever broke, answer plainly
        logging.getLogger(__name__).exception("The branded 500 page failed; plain page shown")
        html = render_to_string("500.html", {})
    return HttpResponseServerError(html)
