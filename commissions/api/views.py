"""/api/v1/commissions/ledger/ and /api/v1/commissions/statements/: read only.

Ledger lines narrow through `lines_visible_to` and statements through `statements_visible_to`,
as the admin UI's pages do (the key's membership holds `commissions.view` and sees every
partner). The ledger is append-only: a line's amount never changes, a correction is a new,
reversing line; a line's state does change (approved, on a statement, paid), so its sync pages
follow `updated_at` like every other resource's.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from prm.api.common import (
    ReadViewSet,
    choice_param,
    id_param,
    query_choice,
    query_id,
)

from ..models import Line, Statement
from ..portal import lines_visible_to
from ..services.statements import statements_visible_to
from .serializers import LineSerializer, StatementSerializer


class LineViewSet(ReadViewSet):
    resource = "commissions"
    serializer_class = LineSerializer

    def get_queryset(self) -> QuerySet[Line]:
        return lines_visible_to(self.membership).select_related("partner")

    def filter_rows(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        for param, choices in (("source", Line.Source.values), ("state", Line.State.values)):
            found = query_choice(self.request, param, choices)
            if found is not None:
                rows = rows.filter(**{param: found})
        for param in ("partner", "deal", "statement"):
            wanted = query_id(self.request, param)
            if wanted is not None:
                rows = rows.filter(**{f"{param}_id": wanted})
        return rows

    @extend_schema(
        summary="List commission ledger lines",
        description=(
            "Pages in the order the lines last changed (`updated_since` for sync): new lines, "
            "and lines whose state moved (approved, on a statement, paid)."
        ),
        parameters=[
            id_param("partner", "Only the lines of this partner (its id)."),
            id_param("deal", "Only the lines of this deal registration (its id)."),
            id_param("statement", "Only the lines on this statement (its id)."),
            choice_param("source", Line.Source.values, "Only lines of this source."),
            choice_param("state", Line.State.values, "Only lines in this state."),
        ],
        responses={200: LineSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        summary="Read a commission ledger line",
        responses={200: LineSerializer},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return super().retrieve(request, pk)


class StatementViewSet(ReadViewSet):
    resource = "commissions"
    serializer_class = StatementSerializer

    def get_queryset(self) -> QuerySet[Statement]:
        return (
            statements_visible_to(self.membership)
            .select_related("partner")
            .prefetch_related("totals")
        )

    def filter_rows(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        found = query_choice(self.request, "status", Statement.Status.values)
        if found is not None:
            rows = rows.filter(status=found)
        partner = query_id(self.request, "partner")
        if partner is not None:
            rows = rows.filter(partner_id=partner)
        return rows

    @extend_schema(
        summary="List commission statements",
        description="Pages in the order the statements last changed (`updated_since` for sync).",
        parameters=[
            choice_param("status", Statement.Status.values, "Only statements in this status."),
            id_param("partner", "Only the statements of this partner (its id)."),
        ],
        responses={200: StatementSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        summary="Read a commission statement",
        responses={200: StatementSerializer},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return super().retrieve(request, pk)
