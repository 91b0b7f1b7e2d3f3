"""The base of every API viewset: key, scope, rate limit, sync pages, ETags, idempotent POSTs.

An app's viewset subclasses `ApiViewSet`, names its `resource` (a registered scope) and its
`sync_field`, narrows `get_queryset` to what the key's membership may see (with the app's
selectors, as its pages do) and calls its services for writes. Everything else is here.
"""

import hashlib
from contextlib import ExitStack
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.viewsets import GenericViewSet

from prm.filters import parse_id
from prm.tenancy.decorators import public
from prm.tenancy.models import Membership

from . import idempotency
from .authentication import ApiKeyAuthentication, KeyRateThrottle
from .models import ApiKey
from .pagination import SyncCursorPagination
from .permissions import HasScope


def etag_of(content: bytes) -> str:
    """A weak ETag of a representation: equal bodies, equal tags."""
    return f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'


class ApiViewSet(GenericViewSet):
    #: the scope this viewset serves (prm.api.registry.register_resource)
    resource: str = ""
    #: what `updated_since` and the sync pages order by
    sync_field = "updated_at"
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [KeyRateThrottle]
    pagination_class = SyncCursorPagination
    # Any segment reaches the view, so that a malformed id answers a JSON 404 like a missing
    # one (`initial`) rather than the site's HTML page.
    lookup_value_regex = "[^/]+"
    renderer_classes = [JSONRenderer]

    @property
    def membership(self) -> Membership:
        return self.request.auth.membership

    @property
    def api_key(self) -> ApiKey:
        return self.request.auth

    # Idempotent POSTs run in one transaction with their kept answer (prm.api.idempotency).
    # It opens only once the key is checked and counted (`initial`), each in a statement of its
    # own, so that a long request never holds the key's row while the key's other requests wait.

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with ExitStack() as self._transaction:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._idempotent = None
        super().initial(request, *args, **kwargs)
        if "pk" in kwargs:
            pk = parse_id(kwargs["pk"])
            if pk is None:
                raise exceptions.NotFound(_("Not found."))
            kwargs["pk"] = self.kwargs["pk"] = pk
        if request.method == "POST":
            key = idempotency.key_of(request)
            if key is not None:
                # Committed with the answer as `dispatch` returns; rolled back by a server error.
                self._transaction.enter_context(transaction.atomic())
                self._idempotent = idempotency.begin(request, self.api_key, key)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return idempotency.replayed(exc.record)
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and not response.is_rendered:
            response.render()
        record = getattr(self, "_idempotent", None)
        if record is not None and response.status_code < 500:
            idempotency.keep(record, response)  # type: ignore[arg-type]
        if request.method in ("GET", "HEAD") and response.status_code == status.HTTP_200_OK:
            etag = etag_of(response.content)  # type: ignore[attr-defined]
            if etag in _etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
                not_modified = HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
                not_modified["ETag"] = etag
                return not_modified
            response["ETag"] = etag
        return response

    # Conditional updates: `If-Match` with the ETag a GET gave.

    def check_if_match(self, instance: Any) -> None:
        wanted = self.request.META.get("HTTP_IF_MATCH")
        if not wanted:
            return
        current = etag_of(JSONRenderer().render(self.get_serializer(instance).data))
        if wanted.strip() != "*" and current not in _etags(wanted):
            raise PreconditionFailed


def _etags(header: str) -> set[str]:
    return {part.strip() for part in header.split(",") if part.strip()}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = _("The object changed since you read it: read it again, then retry.")


@public
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other URL under /api/v1/: a JSON 404, as clients of the API read answers."""
    return JsonResponse({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, which also answers the services' Django exceptions: a `ValidationError`
    by field (400), `PermissionDenied` (403) and `Http404` (404)."""
    if isinstance(exc, DjangoValidationError):
        detail: Any = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    return drf_exception_handler(exc, context)
