"""/api/v1/mdf/requests/ and /api/v1/mdf/claims/: MDF requests and claims, read only.

They narrow through `requests_visible_to` and `claims_visible_to`, as every MDF page does (the
key's membership holds `mdf.view` and sees every partner).
"""

from typing import Any

from django.db.models import F, QuerySet
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

from ..access import claims_visible_to, requests_visible_to
from ..models import Claim, MdfRequest
from .serializers import ClaimSerializer, MdfRequestSerializer


class _Filtered(ReadViewSet):
    statuses: list[str] = []

    def filter_rows(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        found = query_choice(self.request, "status", self.statuses)
        if found is not None:
            rows = rows.filter(status=found)
        partner = query_id(self.request, "partner")
        if partner is not None:
            rows = rows.filter(partner_id=partner)
        return rows


def _filters(statuses: list[str], what: str) -> list[Any]:
    return [
        choice_param("status", statuses, f"Only {what} in this status."),
        id_param("partner", f"Only the {what} of this partner (its id)."),
    ]


class MdfRequestViewSet(_Filtered):
    resource = "mdf"
    serializer_class = MdfRequestSerializer
    statuses = MdfRequest.Status.values

    def get_queryset(self) -> QuerySet[MdfRequest]:
        return (
            requests_visible_to(self.membership)
            .select_related("partner")
            .annotate(api_claim_id=F("claim__id"))
        )

    @extend_schema(
        summary="List MDF requests",
        description="Pages in the order the requests last changed (`updated_since` for sync).",
        parameters=_filters(MdfRequest.Status.values, "requests"),
        responses={200: MdfRequestSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        summary="Read an MDF request",
        responses={200: MdfRequestSerializer},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return super().retrieve(request, pk)


class ClaimViewSet(_Filtered):
    resource = "mdf"
    serializer_class = ClaimSerializer
    statuses = Claim.Status.values

    def get_queryset(self) -> QuerySet[Claim]:
        return claims_visible_to(self.membership).select_related("partner")

    @extend_schema(
        summary="List MDF claims",
        description="Pages in the order the claims last changed (`updated_since` for sync).",
        parameters=_filters(Claim.Status.values, "claims"),
        responses={200: ClaimSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        summary="Read an MDF claim",
        responses={200: ClaimSerializer},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return super().retrieve(request, pk)
