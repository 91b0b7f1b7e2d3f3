"""What a member of a partner company whose access has ended is told, wherever they arrive.

The suspension itself is `prm.accounts.company_access`; the sign-in backend and the tenant
middleware both use what is here.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import Membership, Tenant


def access_ended_message(tenant: Tenant) -> str:
    """What a user of such a company is told."""
    message = _("Your company's access to this partner program has ended.")
    if tenant.support_email:
        message += " " + _("If you think this is a mistake, write to %(email)s.") % {
            "email": tenant.support_email
        }
    return message


def suspended_here(tenant: Tenant, user: Any) -> bool:
    """Whether `user`'s membership in `tenant` is suspended with their company."""
    return Membership.objects.filter(
        tenant=tenant, user=user, is_active=False, suspended_with_partner=True
    ).exists()


def access_ended_response(request: HttpRequest) -> HttpResponse:
    """The page a suspended user gets instead of the one they asked for."""
    tenant = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "tenancy/access_ended.html",
        {"message": access_ended_message(tenant)},
        status=403,
    )
