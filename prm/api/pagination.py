"""Pages for incremental sync: a keyset cursor over (the sync field, id), and `updated_since`.

A page is read by `WHERE (updated_at, id) > (cursor) ORDER BY updated_at, id LIMIT n`, so page 100
costs what page 1 does (an OFFSET would read every row before it). The cursor is opaque to
clients: base64 of the last row's keys. Rows are ordered by when they last changed, so a client
that keeps the last `next` (or the last `updated_at` it saw, given back as `updated_since`) reads
only what changed since.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Field, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def parse_instant(value: str, param: str) -> datetime:
    """An ISO 8601 date-time from a query parameter; without an offset it is read as UTC."""
    try:
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, UTC)
            # In UTC: PostgreSQL refuses offsets past 15:59, which ISO 8601 allows.
            parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None or not 1970 <= parsed.year <= 9999:
        raise ValidationError(
            {param: [_("Give a date and time in ISO 8601, such as 2026-01-31T09:00:00Z.")]}
        )
    return parsed


def _encode(row: Model, field: str) -> str:
    keys = {"t": getattr(row, field).isoformat(), "i": row.pk}
    return base64.urlsafe_b64encode(json.dumps(keys).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        keys = json.loads(raw)
        at = parse_datetime(keys["t"])
        pk = int(keys["i"])
        if at is None or timezone.is_naive(at) or not 0 < pk < 2**63:
            raise ValueError
        at = at.astimezone(UTC)
        if not 1970 <= at.year <= 9999:
            raise ValueError
    except (
        ValueError,
        TypeError,
        KeyError,
        OverflowError,
        binascii.Error,
        json.JSONDecodeError,
    ) as error:
        raise ValidationError({"cursor": [_("This cursor is not one the API gave.")]}) from error
    return at, pk


def _after(model: type[Model], field: str, at: datetime, pk: int) -> RawSQL:
    """`(field, id) > (at, pk)` as one row comparison, which PostgreSQL answers from the
    `(tenant, field, id)` index (the same test written with OR reads every tie)."""
    table = connection.ops.quote_name(model._meta.db_table)
    sync_field = model._meta.get_field(field)
    if not isinstance(sync_field, Field) or not sync_field.column:
        raise TypeError(f"{model.__name__}.{field} is not a column to sync over")
    column = connection.ops.quote_name(sync_field.column)
    key = connection.ops.quote_name(model._meta.pk.column)
    # The names are the model's own, quoted; the values are parameters.
    return RawSQL(  # noqa: S611
        f"({table}.{column}, {table}.{key}) > (%s, %s)", (at, pk), output_field=BooleanField()
    )


class SyncCursorPagination(BasePagination):
    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        field = view.sync_field
        params = request.query_params
        self.request = request
        self.limit = DEFAULT_LIMIT
        if "limit" in params:
            raw = params["limit"]
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
                raise ValidationError(
                    {"limit": [_("Give a number from 1 to %(max)d.") % {"max": MAX_LIMIT}]}
                )
            self.limit = int(raw)
        if "updated_since" in params:
            since = parse_instant(params["updated_since"], "updated_since")
            queryset = queryset.filter(**{f"{field}__gte": since})
        if "cursor" in params:
            at, pk = _decode(params["cursor"])
            queryset = queryset.filter(_after(queryset.model, field, at, pk))
        rows = list(queryset.order_by(field, "pk")[: self.limit + 1])
        self.next_cursor = _encode(rows[self.limit - 1], field) if len(rows) > self.limit else None
        return rows[: self.limit]

    def get_paginated_response(self, data: Any) -> Response:
        next_url = None
        if self.next_cursor is not None:
            next_url = replace_query_param(
                self.request.build_absolute_uri(), "cursor", self.next_cursor
            )
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Where the page starts: take it from the previous page's `next`.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows a page (1 to {MAX_LIMIT}, {DEFAULT_LIMIT} by default).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": "updated_since",
                "in": "query",
                "required": False,
                "description": (
                    "Only rows changed at or after this instant (ISO 8601; UTC without an "
                    "offset). For incremental sync."
                ),
                "schema": {"type": "string", "format": "date-time"},
            },
        ]
