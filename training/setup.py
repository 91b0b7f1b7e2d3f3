"""What every tenant's training starts with: its settings row."""

from prm.tenancy.models import Tenant

from .models import TrainingSettings


def training_defaults_ensure(*, tenant: Tenant) -> None:
    """Give a tenant its training settings row (idempotent; inserts only, no scope needed)."""
    TrainingSettings.objects.bulk_create([TrainingSettings(tenant=tenant)], ignore_conflicts=True)


def training_settings(tenant: Tenant) -> TrainingSettings:
    """The tenant's training settings, made on first use for tenants older than the row."""
    found = TrainingSettings.objects.filter(tenant=tenant).first()
    if found is None:
        training_defaults_ensure(tenant=tenant)
        found = TrainingSettings.objects.get(tenant=tenant)
    return found
