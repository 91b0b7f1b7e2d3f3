"""Reading API keys."""

from django.db.models import QuerySet

from prm.tenancy.models import Membership

from .models import ApiKey


def api_keys_for(*, membership: Membership) -> QuerySet[ApiKey]:
    """The tenant's keys, for who may manage them (none for anyone else)."""
    if not membership.can("integrations.manage"):
        return ApiKey.objects.none()
    return ApiKey.objects.filter(tenant_id=membership.tenant_id).select_related(
        "created_by", "revoked_by"
    )
