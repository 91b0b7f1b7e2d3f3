"""What every tenant's deal registration starts with: its settings and standard reasons."""

from django.utils import translation
from django.utils.translation import gettext_lazy

from prm.tenancy.models import Tenant

from .models import DealSettings, RejectReason

DEFAULT_REJECT_REASONS = [
    gettext_lazy("Direct account of the vendor"),
    gettext_lazy("Already registered by another partner"),
    gettext_lazy("Existing customer with an active contract"),
    gettext_lazy("Not enough information to qualify"),
    gettext_lazy("Outside the partner's territory"),
    gettext_lazy("Product not covered by the partner's agreement"),
]


def deal_defaults_ensure(*, tenant: Tenant) -> None:
    """Give a tenant its deal settings row and the standard rejection reasons (idempotent).

    Inserts only (no reads): it also runs when the operator creates a tenant on the platform
    host, where no tenant scope is active.
    """
    DealSettings.objects.bulk_create([DealSettings(tenant=tenant)], ignore_conflicts=True)
    with translation.override(tenant.language):
        RejectReason.objects.bulk_create(
            [
                RejectReason(tenant=tenant, label=str(label), position=i)
                for i, label in enumerate(DEFAULT_REJECT_REASONS)
            ],
            ignore_conflicts=True,
        )
