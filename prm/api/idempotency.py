"""`Idempotency-Key` on POST: a retry gets the first answer, and the work runs once.

The request runs in one transaction that first inserts its `IdempotentRequest` row. A concurrent
retry's insert waits on the unique index until the first commits (then finds the answer and
replays it) or rolls back (then runs itself). An answer below 500 is kept with the row; a server
error rolls everything back, the row included, so a retry runs again.
"""

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request

from .models import ApiKey, IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
#: how long answers are kept for retries
KEPT_FOR = timedelta(hours=24)


class KeyReused(APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was used with a different request: use a new key for a new request."
    )


class Replay(Exception):
    def __init__(self, record: IdempotentRequest) -> None:
        self.record = record


def key_of(request: Request) -> str | None:
    value = request.META.get(HEADER)
    if value is None:
        return None
    value = value.strip()
    if not 1 <= len(value) <= 255 or not value.isprintable() or not value.isascii():
        raise ValidationError(
            {"Idempotency-Key": [_("Give a key of 1 to 255 printable ASCII characters.")]}
        )
    return value


def fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def begin(request: Request, api_key: ApiKey, key: str) -> IdempotentRequest:
    """Claim `key` for this request, inside the request's transaction. Raises `Replay` with the
    kept answer for a repeat, or `KeyReused` for the same key on another request."""
    digest = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                tenant_id=api_key.tenant_id, api_key=api_key, key=key, fingerprint=digest
            )
    except IntegrityError:
        pass
    record = IdempotentRequest.objects.get(tenant_id=api_key.tenant_id, api_key=api_key, key=key)
    if record.fingerprint != digest:
        raise KeyReused
    raise Replay(record)


def keep(record: IdempotentRequest, response: HttpResponse) -> None:
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "")
    record.body = response.content
    record.save(update_fields=["status_code", "content_type", "body"])


def replayed(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


def forget_old(*, now: datetime | None = None) -> int:
    """Delete answers older than a day (beat). Returns how many."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
