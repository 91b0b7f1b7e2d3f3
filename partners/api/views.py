"""/api/v1/partners/: partner companies, for CRM sync (list, read, create, update).

Reads narrow through `partners_for` (the key's membership sees every partner: the integration
role holds `partners.view_all`); writes go through `partner_create` and `partner_update`, the
services the admin UI uses, so they are checked, audited (the key is the actor) and announced
the same way.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from prm.api.common import (
    IF_MATCH,
    NOT_JSON,
    ReadViewSet,
    choice_param,
    id_param,
    query_choice,
    query_id,
)
from prm.security.client_ip import client_ip

from .. import services
from ..models import Partner
from ..selectors import partners_for
from .serializers import PartnerSerializer, PartnerWriteSerializer


class PartnerViewSet(ReadViewSet):
    resource = "partners"
    serializer_class = PartnerSerializer

    def get_queryset(self) -> QuerySet[Partner]:
        return partners_for(membership=self.membership)

    def filter_rows(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        request = self.request
        found = query_choice(request, "status", Partner.Status.values)
        if found is not None:
            rows = rows.filter(status=found)
        for param, field in (("tier", "tier_id"), ("type", "partner_type_id")):
            wanted = query_id(request, param)
            if wanted is not None:
                rows = rows.filter(**{field: wanted})
        crm_id = request.query_params.get("crm_id")
        if crm_id:
            rows = rows.filter(crm_id=crm_id)
        return rows

    @extend_schema(
        summary="List partner companies",
        description=(
            "Pages in the order the partners last changed: give `updated_since` (or keep "
            "following `next`) to read only what changed since the last sync."
        ),
        parameters=[
            choice_param("status", Partner.Status.values, "Only partners in this status."),
            id_param("tier", "Only partners in this tier (its id)."),
            id_param("type", "Only partners of this type (its id)."),
            OpenApiParameter(
                "crm_id",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Only the partner with this CRM id.",
            ),
        ],
        responses={200: PartnerSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        summary="Read a partner company",
        responses={200: PartnerSerializer},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return super().retrieve(request, pk)

    @extend_schema(
        summary="Create a partner company",
        description=(
            "It starts onboarding; its tier and CAMs are set in the admin UI. Send an "
            "`Idempotency-Key` so a retry creates nothing twice."
        ),
        request=PartnerWriteSerializer,
        responses={201: PartnerSerializer, **NOT_JSON},
    )
    def create(self, request: Request) -> Response:
        given = PartnerWriteSerializer(data=request.data, context=self._context())
        given.is_valid(raise_exception=True)
        made = services.partner_create(
            actor=self.membership, ip=client_ip(request), **given.validated_data
        )
        # Read again: `updated_at` and the CAMs are the database's.
        answer = self.get_serializer(self.get_row(made.pk)).data
        location = request.build_absolute_uri(f"{request.path}{made.pk}/")
        return Response(answer, status=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(
        summary="Change a partner company",
        description=(
            "Only the fields sent change. With `If-Match` (the ETag of a read) the change is "
            "refused when the partner changed since."
        ),
        parameters=[IF_MATCH],
        request=PartnerWriteSerializer(partial=True),
        responses={200: PartnerSerializer, **NOT_JSON},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        partner = self.get_row(pk)
        self.check_if_match(partner)
        given = PartnerWriteSerializer(data=request.data, partial=True, context=self._context())
        given.is_valid(raise_exception=True)
        services.partner_update(
            actor=self.membership,
            partner=partner,
            changes=given.validated_data,
            ip=client_ip(request),
        )
        return Response(self.get_serializer(self.get_row(partner.pk)).data)

    def _context(self) -> dict[str, Any]:
        return {**self.get_serializer_context(), "tenant_id": self.membership.tenant_id}
