"""The body of a webhook: what happened, to what, in the API's own representation.

    {"id": "<delivery id>", "type": "deals.deal.won", "created": "2027-03-01T10:00:00+00:00",
     "tenant": "acme",
     "data": {"object": {...the API's representation, or null},
              "object_type": "deals.deal", "object_id": 42,
              "details": {...the event's plain values}}}

The body is written once, when the event happens, and sent as written on every attempt.
"""

import json
import math
import uuid
from datetime import datetime
from typing import Any

from django.db import models

from prm.api.registry import represent
from prm.notifications.events import Event


def _plain(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)


def event_data(event: Event) -> dict[str, Any]:
    """The `data` of every delivery of `event` (built once per event, not per endpoint)."""
    subject = event.subject
    return subject_data(subject, {k: v for k, v in event.data.items() if _plain(v)})


def subject_data(subject: models.Model | None, details: dict[str, Any]) -> dict[str, Any]:
    if subject is None or subject.pk is None:
        return {"object": None, "object_type": None, "object_id": None, "details": details}
    pk = subject.pk
    return {
        "object": represent(subject),
        "object_type": f"{subject._meta.app_label}.{subject._meta.model_name}",
        "object_id": pk if isinstance(pk, int | str) else str(pk),
        "details": details,
    }


def body(
    *, delivery_id: uuid.UUID, event: str, created: datetime, tenant: str, data: dict[str, Any]
) -> str:
    """The compact JSON sent (keys in a fixed order, UTF-8 as is, no NaN)."""
    payload = {
        "id": str(delivery_id),
        "type": event,
        "created": created.isoformat(),
        "tenant": tenant,
        "data": data,
    }
    return json.dumps(
        payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str
    )
