"""Helpers the portal's deal views share: the member's deal, errors beside fields."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from prm.tenancy.requests import TenantRequest

from ..models import Deal, Lead
from ..selectors import deals_for, leads_for


def deal_of(request: TenantRequest, pk: int) -> Deal:
    """One of the member's deals; anything else (another company's, another tenant's) is 404."""
    return get_object_or_404(deals_for(membership=request.membership), pk=pk)


def lead_of(request: TenantRequest, pk: int) -> Lead:
    """One of the company's leads; anything else is 404."""
    return get_object_or_404(leads_for(membership=request.membership), pk=pk)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)
