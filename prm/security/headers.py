"""Response headers every page gets: a Content-Security-Policy, and no caching of signed-in pages.

The policy (`settings.CONTENT_SECURITY_POLICY`) lets scripts, styles, fonts, images and requests
come from this host only: htmx, Bootstrap and the Django admin's scripts are files under
/static/. An inline `<script>` or `<style>` element runs only with the nonce this middleware
draws for each response (`request.csp_nonce`; in templates `nonce="{{ request.csp_nonce }}"`),
which only the tenant colour sheets need today. Inline event handlers (`onclick=`) and
`javascript:` URLs never run; `style="..."` attributes are allowed (`style-src-attr`), as they
cannot read the page. `prm/security/tests/test_headers.py` scans the templates for what the
policy would block, and tests/browser/test_content_security_policy.py walks pages in Chromium
listening for violations.

A response to a signed-in person (portal, admin UI, exports, htmx fragments) is marked
`no-store, private`: neither the browser's back button on a shared computer nor a proxy keeps a
copy of someone's deals after they signed out.

Django 6.0 brings its own CSP middleware (`SECURE_CSP`); this one stands in for it on 5.2.
"""

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

#: the placeholder in CONTENT_SECURITY_POLICY replaced by each response's nonce
NONCE = "'nonce'"


def policy_header(nonce: str) -> str:
    """The policy with this response's nonce."""
    return "; ".join(
        " ".join([directive, *(f"'nonce-{nonce}'" if s == NONCE else s for s in sources)])
        for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
    )


class SecurityHeadersMiddleware:
    """Draws the nonce before the view renders; sets the policy and the cache rule after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy_header(nonce))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
