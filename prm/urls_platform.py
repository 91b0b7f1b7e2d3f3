"""URLs of the bare platform host: only the operator's admin."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template.loader import render_to_string
from django.urls import path
from django.views.generic import RedirectView

from prm.platform.sites import platform_admin_site

urlpatterns = [
    path("admin/", platform_admin_site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The platform host has no tenant branding: a plain page."""
    return HttpResponseNotFound(render_to_string("tenancy/unknown_host.html"))


def server_error(request: HttpRequest) -> HttpResponse:
    """The platform host has no tenant branding: the product's plain 500 page."""
    return HttpResponseServerError(render_to_string("500.html", {}))


handler404 = page_not_found
handler500 = server_error
