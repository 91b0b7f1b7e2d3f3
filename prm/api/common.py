"""What the apps' API viewsets share: filters read from the query string (with their OpenAPI
parameters), a list-and-read base, the `If-Match` parameter, and a related row as `{id, name}`.

A query parameter that is given must be right: an empty `?status=` answers 400 like a wrong one
(a client's bug is told, not read as "no filter").
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from prm.filters import BIGINT_MAX, parse_id

from .views import ApiViewSet


class IdNameSerializer(serializers.Serializer):
    """A related row as `{"id": 12, "name": "Gold"}`."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


#: what a write answers when its body is not JSON (the answers every operation shares, from a
#: refused key to a stale If-Match, are added to the schema by `prm.api.schema`)
NOT_JSON = {415: OpenApiResponse(description=gettext_lazy("The body is not application/json."))}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=gettext_lazy(
        "The ETag of the object as last read: the change is refused (412) if it moved since."
    ),
)


def id_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
        OpenApiParameter.QUERY,
        description=description,
    )


def choice_param(name: str, choices: Iterable[str], description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=description, enum=list(choices)
    )


def query_id(request: Request, name: str) -> int | None:
    """The id in query parameter `name`, None when absent; a 400 by name for anything else."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    number = parse_id(raw)
    if number is None:
        raise ValidationError({name: [_("Give an id: a whole number from 1.")]})
    return number


def query_choice(request: Request, name: str, choices: Iterable[str]) -> str | None:
    """The value of query parameter `name`, None when absent; a 400 by name when it is not one
    of `choices`."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise ValidationError(
            {name: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}]}
        )
    return raw


class ReadViewSet(ApiViewSet):
    """A resource's list (sync pages, filters from `filter_rows`) and its read by id."""

    def filter_rows(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        return rows

    def list(self, request: Request) -> Response:
        rows = self.filter_rows(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_row(pk)).data)

    def get_row(self, pk: Any) -> Any:
        """The row by id among those the key may see (404 otherwise, another tenant's too)."""
        return get_object_or_404(self.get_queryset(), pk=pk)
