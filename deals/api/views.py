"""The REST API of deal registration: registrations and their outcomes, protected accounts (the
CRM sync), and leads. Served at /api/v1/ by `prm.api` (registered in `deals.api.register`).

Views are thin, as the admin UI's are: what the key sees comes from the app's selectors, every
change from the app's services (the same as the admin UI's, so events, audit and commissions
follow), and the answer is the object read again (`updated_at` is set by the database).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from prm.api.common import IF_MATCH, query_choice, query_id
from prm.api.views import ApiViewSet
from prm.csvio.importing import RowErrors
from prm.tenancy.partner_access import visible_partners
from prm.workflow import TransitionError

from ..models import Deal, Lead, ProtectedAccount
from ..selectors import leads_for, protected_accounts_for, vendor_deals_for
from ..services import (
    LeadInput,
    deal_mark_lost,
    deal_mark_won,
    lead_assign,
    lead_create,
    protected_account_delete,
    protected_accounts_delete,
    protected_accounts_upsert,
)
from ..services.protected_accounts import LABELS
from . import serializers as s
from .schema import answers


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("The object's state does not allow this.")


def _refused(error: TransitionError) -> Conflict:
    """The workflow's sentence ("A registration that is won cannot be marked won.") as a 409."""
    return Conflict(" ".join(error.messages))


def _status_param(choices: list[tuple[str, Any]], description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "status", OpenApiTypes.STR, enum=[c for c, _label in choices], description=description
    )


# Deal registrations


@extend_schema_view(
    list=extend_schema(
        summary="List deal registrations",
        description=(
            "Registrations of every partner (drafts are the partner's own and are not listed), "
            "ordered by when they last changed: keep the last page's `next`, or the last "
            "`updated_at` you saw as `updated_since`, to read only what changed since."
        ),
        parameters=[
            _status_param(Deal.Status.choices, "Only registrations in this status."),
            OpenApiParameter(
                "partner", OpenApiTypes.INT, description="Only this partner company's (its id)."
            ),
        ],
        responses=answers({200: s.DealSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="Read a deal registration",
        responses=answers({200: s.DealSerializer}),
    ),
)
class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    resource = "deals"
    serializer_class = s.DealSerializer

    def get_queryset(self) -> QuerySet[Deal]:
        deals = vendor_deals_for(membership=self.membership).prefetch_related("products")
        if self.action == "list":
            wanted = query_choice(self.request, "status", Deal.Status.values)
            if wanted:
                deals = deals.filter(status=wanted)
            partner = query_id(self.request, "partner")
            if partner:
                deals = deals.filter(partner_id=partner)
        return deals

    def _answer(self, deal: Deal) -> Response:
        return Response(s.DealSerializer(self.get_queryset().get(pk=deal.pk)).data)

    @extend_schema(
        summary="Mark a deal won",
        description=(
            "An approved registration won in the CRM, with its final amount and close date: "
            "the same step as the admin UI's “Mark won” (its partner's commission accrues, the "
            "partner is told, the audit log names the key). Answers the registration as it is "
            "now; 409 when its status does not allow it (not approved, already won...)."
        ),
        parameters=[IF_MATCH],
        request=s.DealWonSerializer,
        responses=answers({200: s.DealSerializer}, 409, 412),
    )
    @action(detail=True, methods=["post"])
    def won(self, request: Request, pk: str | None = None) -> Response:
        deal = self.get_object()
        self.check_if_match(deal)
        data = s.DealWonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            deal = deal_mark_won(
                actor=self.membership,
                deal=deal,
                amount=data.validated_data["amount"],
                closed_on=data.validated_data["closed_on"],
            )
        except TransitionError as error:
            raise _refused(error) from error
        return self._answer(deal)

    @extend_schema(
        summary="Mark a deal lost",
        description=(
            "An approved registration (or a won one, after all) lost in the CRM, with why: the "
            "same step as the admin UI's “Mark lost” (a won deal's commission is reversed). "
            "Answers the registration as it is now; 409 when its status does not allow it."
        ),
        parameters=[IF_MATCH],
        request=s.DealLostSerializer,
        responses=answers({200: s.DealSerializer}, 409, 412),
    )
    @action(detail=True, methods=["post"])
    def lost(self, request: Request, pk: str | None = None) -> Response:
        deal = self.get_object()
        self.check_if_match(deal)
        data = s.DealLostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            deal = deal_mark_lost(
                actor=self.membership, deal=deal, reason=data.validated_data["reason"]
            )
        except TransitionError as error:
            raise _refused(error) from error
        return self._answer(deal)


# Protected accounts and existing customers


def _by_index(errors: RowErrors, field: str) -> dict[str, Any]:
    """Row errors of an upsert or delete as `{field: {"<index>": {"<key>": [messages]}}}` (by
    index alone for a list of plain values, `domains`)."""
    keys = {str(label): key for key, label in LABELS.items()}
    found: dict[str, Any] = {}
    for error in errors.errors:
        if error.row is None:
            raise Conflict(error.message)
        if field == "domains":
            found.setdefault(str(error.row), []).append(error.message)
        else:
            row = found.setdefault(str(error.row), {})
            row.setdefault(keys.get(error.column, "non_field_errors"), []).append(error.message)
    return {field: found}


@extend_schema_view(
    list=extend_schema(
        summary="List protected accounts and existing customers",
        description=(
            "The vendor's direct accounts (`direct`) and existing customers (`customer`) that "
            "registrations are checked against, ordered by when they last changed."
        ),
        parameters=[
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                enum=ProtectedAccount.Kind.values,
                description="Only accounts of this type.",
            )
        ],
        responses=answers({200: s.ProtectedAccountSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="Read a protected account",
        responses=answers({200: s.ProtectedAccountSerializer}),
    ),
    destroy=extend_schema(
        summary="Delete a protected account",
        description=(
            "Registrations that matched it keep their status; the candidate match naming it "
            "goes from their decision screens."
        ),
        parameters=[IF_MATCH],
        responses=answers({204: None}, 412),
    ),
)
class ProtectedAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ApiViewSet
):
    resource = "accounts"
    serializer_class = s.ProtectedAccountSerializer

    def get_queryset(self) -> QuerySet[ProtectedAccount]:
        accounts = protected_accounts_for(membership=self.membership)
        if self.action == "list":
            wanted = query_choice(self.request, "type", ProtectedAccount.Kind.values)
            if wanted:
                accounts = accounts.filter(kind=wanted)
        return accounts

    def perform_destroy(self, instance: ProtectedAccount) -> None:
        self.check_if_match(instance)
        protected_account_delete(actor=self.membership, account=instance)

    @extend_schema(
        summary="Create or update protected accounts in bulk (the CRM sync)",
        description=(
            "Up to 10,000 accounts, each keyed on its registered domain "
            "(`https://www.acme.com/` is `acme.com`): a domain the program has updates that "
            "account, a new one creates it. All accounts or none: a 400 names each problem by "
            'the account\'s index, `{"accounts": {"12": {"domain": ["..."]}}}`, and '
            "nothing is written. The same rules as the admin UI's CSV import."
        ),
        request=s.AccountsUpsertSerializer,
        responses=answers({200: s.AccountsUpsertedSerializer}, 409),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        data = s.AccountsUpsertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            plan = protected_accounts_upsert(
                actor=self.membership,
                rows=data.validated_data["accounts"],
                source=_("the REST API"),
            )
        except RowErrors as errors:
            raise exceptions.ValidationError(_by_index(errors, "accounts")) from errors
        return Response({"created": len(plan.created), "updated": len(plan.updated)})

    @extend_schema(
        summary="Delete protected accounts by domain",
        description=(
            "Up to 10,000 websites or domains, read as the upsert reads them; those the "
            "program does not have are skipped. Answers how many accounts were deleted."
        ),
        request=s.AccountsDeleteSerializer,
        responses=answers({200: s.AccountsDeletedSerializer}),
    )
    @action(detail=False, methods=["post"], url_path="delete")
    def delete_by_domain(self, request: Request) -> Response:
        data = s.AccountsDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            deleted = protected_accounts_delete(
                actor=self.membership,
                domains=data.validated_data["domains"],
                source=_("the REST API"),
            )
        except RowErrors as errors:
            raise exceptions.ValidationError(_by_index(errors, "domains")) from errors
        return Response({"deleted": deleted})


# Leads


@extend_schema_view(
    list=extend_schema(
        summary="List leads",
        description="Leads in the queue and those handed to partners, by when they last changed.",
        parameters=[_status_param(Lead.Status.choices, "Only leads in this status.")],
        responses=answers({200: s.LeadSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="Read a lead",
        responses=answers({200: s.LeadSerializer}),
    ),
    create=extend_schema(
        summary="Create a lead",
        description="A new lead waits in the queue until it is assigned to a partner.",
        request=s.LeadCreateSerializer,
        responses=answers({201: s.LeadSerializer}),
    ),
)
class LeadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet
):
    resource = "leads"
    serializer_class = s.LeadSerializer

    def get_queryset(self) -> QuerySet[Lead]:
        leads = leads_for(membership=self.membership)
        if self.action == "list":
            wanted = query_choice(self.request, "status", Lead.Status.values)
            if wanted:
                leads = leads.filter(status=wanted)
        return leads

    def _answer(self, lead: Lead, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.LeadSerializer(self.get_queryset().get(pk=lead.pk)).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.LeadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        lead = lead_create(
            actor=self.membership,
            data=LeadInput(
                customer_name=given["customer"],
                customer_website=given["website"],
                country=given["country"],
                contact_name=given["contact"]["contact_name"],
                contact_email=given["contact"]["contact_email"],
                contact_role=given["contact"]["contact_role"],
                notes=given["notes"],
            ),
        )
        return self._answer(lead, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Assign a lead to a partner",
        description=(
            "A lead in the queue (new, declined, or back unanswered) goes to a partner company, "
            "whose users are told and have the program's response days to answer. 409 when the "
            "lead's status does not allow it."
        ),
        parameters=[IF_MATCH],
        request=s.LeadAssignSerializer,
        responses=answers({200: s.LeadSerializer}, 409, 412),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        lead = self.get_object()
        self.check_if_match(lead)
        data = s.LeadAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Another tenant's partner, or none: the same answer beside the field, never a 404.
        partner = (
            visible_partners(self.membership).filter(pk=data.validated_data["partner"]).first()
        )
        if partner is None:
            raise exceptions.ValidationError(
                {"partner": [_("Choose one of the program's partner companies.")]}
            )
        try:
            lead = lead_assign(actor=self.membership, lead=lead, partner=partner)
        except TransitionError as error:
            raise _refused(error) from error
        return self._answer(lead)
