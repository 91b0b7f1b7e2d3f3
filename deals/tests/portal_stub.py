"""Until the portal's deal pages are merged: the two URL names deal notifications link to.

`portal_urls` (used by the admin tests) switches to this URLconf only while `deals:detail`
does not resolve, so it does nothing once the portal's `deals.urls` is in `prm.urls`.
"""

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from prm.tenancy.decorators import public
from prm.urls import urlpatterns as tenant_patterns


@public
def _missing(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


_portal = (
    [
        path("<int:pk>/", _missing, name="detail"),
        path("leads/<int:pk>/", _missing, name="lead"),
    ],
    "deals",
)

urlpatterns = [*tenant_patterns, path("deals/", include(_portal))]


@pytest.fixture
def portal_urls(settings):  # type: ignore[no-untyped-def]
    try:
        reverse("deals:detail", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = "deals.tests.portal_stub"
