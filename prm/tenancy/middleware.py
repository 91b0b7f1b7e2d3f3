"""Resolve the tenant from the host, run the request inside its scope, bind sessions to it.

`TenantMiddleware` sits before the session middleware: an unknown host is answered with a plain 404
before any session, user or tenant data is touched. Everything after it, response rendering
included, runs inside `scope(tenant=...)`.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scope

from . import access_ended
from .models import PRIMARY_DOMAIN_KEY, Membership, Tenant, TenantDomain

SESSION_TENANT_KEY = "_prm_tenant"
PLATFORM_SESSION_MARK = "platform"


def tenant_for_host(host: str) -> Tenant | None:
    """The active tenant answering on `host` (without port), or None."""
    domain = (
        TenantDomain.objects.select_related("tenant")
        .filter(host=host.lower(), tenant__is_active=True)
        .first()
    )
    if domain is None:
        return None
    if domain.is_primary:
        # What emails written during this request link to (`Tenant.primary_domain`): known now.
        domain.tenant.__dict__[PRIMARY_DOMAIN_KEY] = domain
    return domain.tenant


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = request.get_host().rsplit(":", 1)[0].lower()
        if host == settings.PLATFORM_DOMAIN.lower():
            # The bare platform host serves only the operator's admin, with no tenant scope.
            request.tenant = None  # type: ignore[attr-defined]
            request.urlconf = settings.PLATFORM_URLCONF  # type: ignore[attr-defined]
            return self.get_response(request)
        tenant = tenant_for_host(host)
        if tenant is None:
            return HttpResponseNotFound(render_to_string("tenancy/unknown_host.html"))
        request.tenant = tenant  # type: ignore[attr-defined]
        with (
            scope(tenant=tenant),
            translation.override(tenant.language),
            timezone.override(tenant.time_zone),
        ):
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", tenant.language)
            return response


class MembershipMiddleware:
    """Expose `request.membership`; end sessions that are not valid on this host any more.

    A session is bound to the host it was opened on. Each request re-reads the membership, so a
    deactivated member is logged out on their very next request, on every device.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        tenant = request.tenant  # type: ignore[attr-defined]
        mark = PLATFORM_SESSION_MARK if tenant is None else str(tenant.pk)
        user = request.user
        if user.is_authenticated:
            bound = request.session.get(SESSION_TENANT_KEY)
            if bound is None:
                request.session[SESSION_TENANT_KEY] = bound = mark
            if bound != mark:
                logout(request)
            elif tenant is None:
                if not user.is_staff:
                    logout(request)
            else:
                membership = (
                    Membership.objects.select_related("partner")
                    .filter(tenant=tenant, user=user, is_active=True)
                    .first()
                )
                if membership is None:
                    suspended = access_ended.suspended_here(tenant, user)
                    logout(request)
                    if suspended:  # say why, rather than show the sign-in page
                        return access_ended.access_ended_response(request)
                else:
                    # The same objects, not more queries (services read actor.user and the
                    # partner's tenant).
                    membership.tenant = tenant
                    membership.user = user
                    if membership.partner is not None:
                        membership.partner.tenant = tenant
                    request.membership = membership  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A login in this very request: bind the fresh session to this host. (An API request's
        # user is its key's, set by the API's authentication: it has no session.)
        user = request.user
        if (
            user.is_authenticated
            and not getattr(user, "is_service", False)
            and SESSION_TENANT_KEY not in request.session
        ):
            request.session[SESSION_TENANT_KEY] = mark
        return response
