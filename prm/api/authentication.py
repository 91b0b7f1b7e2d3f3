"""Who calls: an API key in `Authorization: Bearer prm_…`, valid on its own tenant's host only.

A key is looked up among the keys of the host's tenant, so another tenant's key is unknown here
and answers 401 like a wrong one. The key's membership becomes `request.membership`, so views and
selectors narrow what it sees exactly as they do for a signed-in member.
"""

from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from .models import ApiKey
from .services import parse_token, secret_matches

REFUSED = _("The API key is not valid here: it is unknown, revoked or expired.")


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None  # no key: DRF answers 401 with the challenge below
        parsed = parse_token(token.strip())
        tenant = getattr(request._request, "tenant", None)
        if parsed is None or tenant is None:
            raise AuthenticationFailed(REFUSED)
        public_id, secret = parsed
        key = (
            ApiKey.objects.filter(tenant=tenant, public_id=public_id)
            .select_related("membership__user")
            .first()
        )
        if (
            key is None
            or not secret_matches(key, secret)
            or not key.is_usable()
            or not key.membership.is_active
        ):
            raise AuthenticationFailed(REFUSED)
        key.tenant = tenant
        key.membership.tenant = tenant
        request._request.membership = key.membership
        request._request.api_key = key
        return key.membership.user, key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


# One statement per request counts the request in the key's minute and notes the key's last use:
# the row's lock is held for that statement only, and nothing besides PostgreSQL is asked.
_COUNT = """
UPDATE api_apikey
   SET window_hits = CASE WHEN window_start = %(window)s THEN window_hits + 1 ELSE 1 END,
       window_start = %(window)s,
       last_used_at = %(now)s
 WHERE id = %(id)s
RETURNING window_hits
"""


class KeyRateThrottle(BaseThrottle):
    """The key's requests a minute (`ApiKey.rate_limit`): over it, 429 with `Retry-After`."""

    def allow_request(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        now = timezone.now()
        window = now.replace(second=0, microsecond=0)
        with connection.cursor() as cursor:
            cursor.execute(_COUNT, {"window": window, "now": now, "id": key.pk})
            (hits,) = cursor.fetchone()
        self._wait = 60 - now.second - now.microsecond / 1_000_000
        return bool(hits <= key.rate_limit)

    def wait(self) -> float:
        return max(1.0, self._wait)
