"""Typed access to what the tenant middleware puts on a request."""

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Membership, Tenant, TenantOwned

if TYPE_CHECKING:  # the user model lives in prm.accounts, above this package
    from prm.accounts.models import User


class TenantRequest(HttpRequest):
    """The type of a request on a tenant host, for views behind `requires(...)`.

    Only an annotation: the middleware sets these attributes on Django's own request object.
    """

    tenant: Tenant
    membership: Membership


def posted(request: HttpRequest) -> Any:
    """The data to bind a form to: the POST body on a POST (even an empty one, so that its
    errors show), nothing on a GET."""
    return request.POST if request.method == "POST" else None


def user_of(request: HttpRequest) -> "User":
    """The signed-in user; only behind a capability check, which guarantees one."""
    return cast("User", request.user)


def tenant_of(request: HttpRequest) -> Tenant:
    """The host's tenant. Only for code that runs on tenant hosts (the middleware set it)."""
    return cast(Tenant, request.tenant)  # type: ignore[attr-defined]


def membership_of(request: HttpRequest) -> Membership:
    """The member making the request. Only behind a capability check, which guarantees one."""
    return cast(Membership, request.membership)  # type: ignore[attr-defined]


def own_partner(request: TenantRequest) -> TenantOwned:
    """The partner company of the partner user making the request."""
    partner = request.membership.partner
    if partner is None:  # vendor staff never reach partner pages: requires() redirects them
        raise PermissionDenied
    return partner
