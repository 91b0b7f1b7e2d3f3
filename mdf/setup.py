"""What every tenant's MDF starts with: its settings row."""

from prm.tenancy.models import Tenant

from .models import MdfSettings


def mdf_defaults_ensure(*, tenant: Tenant) -> None:
    """Give a tenant its MDF settings row (idempotent; inserts only, no scope needed)."""
    MdfSettings.objects.bulk_create([MdfSettings(tenant=tenant)], ignore_conflicts=True)


def mdf_settings(tenant: Tenant) -> MdfSettings:
    """The tenant's MDF settings, made on first use for tenants older than the row."""
    found = MdfSettings.objects.filter(tenant=tenant).first()
    if found is None:
        mdf_defaults_ensure(tenant=tenant)
        found = MdfSettings.objects.get(tenant=tenant)
    return found
