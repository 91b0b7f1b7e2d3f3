"""What every tenant's commissions start with: its settings row."""

from prm.tenancy.models import Tenant

from .models import CommissionSettings


def commissions_defaults_ensure(*, tenant: Tenant) -> None:
    """Give a tenant its commission settings row (idempotent; inserts only)."""
    CommissionSettings.objects.bulk_create(
        [CommissionSettings(tenant=tenant)], ignore_conflicts=True
    )


def commission_settings(tenant: Tenant) -> CommissionSettings:
    """The tenant's commission settings, made on first use for tenants older than the row."""
    found = CommissionSettings.objects.filter(tenant=tenant).first()
    if found is None:
        commissions_defaults_ensure(tenant=tenant)
        found = CommissionSettings.objects.get(tenant=tenant)
    return found
