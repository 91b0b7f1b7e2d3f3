"""The vendor's rules of engagement, as partners read them in the portal."""

from django.http import HttpResponse
from django.shortcuts import render

from prm.tenancy.decorators import requires
from prm.tenancy.requests import TenantRequest

from ..selectors import rules_of_engagement_for


@requires("portal.access")
def rules(request: TenantRequest) -> HttpResponse:
    return render(
        request, "partners/rules.html", {"rules": rules_of_engagement_for(request.tenant)}
    )
