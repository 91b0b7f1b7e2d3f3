"""Where a `next=` parameter may send someone: a path on the host they are on, nothing else.

Every view that follows a `next` (sign-in, sign-out and two-factor steps through allauth's
adapter, the admin UI's login, "mark all read") asks here. The request's own host only: not the
other tenants' hosts nor 127.0.0.1, which `ALLOWED_HOSTS` also lists (allauth's default check
accepts any of them), so a link to a tenant's sign-in page cannot lead the person elsewhere.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_own_host_url(request: HttpRequest, url: str | None) -> bool:
    """Whether `url` is a relative URL or an absolute one on the request's own host (and, on an
    HTTPS request, HTTPS too)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, url: str | None, default: str) -> str:
    """`url` when it stays on this host, else `default`."""
    return url if url is not None and is_own_host_url(request, url) else default
