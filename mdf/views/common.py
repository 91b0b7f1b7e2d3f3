"""Helpers the portal's MDF views share: the member's request or claim (404 for anything
else), and a refusal said as one sentence."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from prm.tenancy.requests import TenantRequest

from ..access import claims_visible_to, requests_visible_to
from ..models import Claim, MdfRequest


def request_of(request: TenantRequest, pk: int) -> MdfRequest:
    """One of the member's requests (a partner admin: the company's); another partner's,
    another tenant's or a missing one answers 404 alike."""
    return get_object_or_404(
        requests_visible_to(request.membership).select_related("fund", "owner__user", "claim"),
        pk=pk,
    )


def claim_for(request: TenantRequest, pk: int) -> Claim:
    """One of the member's claims (404 like `request_of`)."""
    return get_object_or_404(
        claims_visible_to(request.membership).select_related(
            "request__fund", "request__owner__user", "owner__user"
        ),
        pk=pk,
    )


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)
