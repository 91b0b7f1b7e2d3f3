"""Reads about members and invitations."""

from django.db.models import QuerySet

from prm.tenancy.models import Membership, Tenant, TenantOwned

from .models import Invitation


def members_of_partner(*, tenant: Tenant, partner: TenantOwned) -> QuerySet[Membership]:
    """Every membership (active first) of one partner company."""
    return (
        Membership.objects.filter(tenant=tenant, partner_id=partner.pk)
        .select_related("user")
        .order_by("-is_active", "user__email")
    )


def invitations_of_partner(*, tenant: Tenant, partner: TenantOwned) -> QuerySet[Invitation]:
    """Invitations into one partner company that have not been accepted or revoked."""
    return (
        Invitation.objects.pending()
        .filter(tenant=tenant, partner_id=partner.pk)
        .select_related("invited_by")
        .order_by("-created_at")
    )
