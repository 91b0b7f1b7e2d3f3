"""Each tenant's running numbers of statements (CS-000001) and payout batches (PO-000001)."""

from typing import Any, Literal

from django.db.models import F

from prm.tenancy.models import Tenant

from .models import CommissionSettings
from .setup import commissions_defaults_ensure

Counter = Literal["last_statement_number", "last_batch_number"]


def next_number(tenant: Tenant, counter: Counter) -> int:
    """The tenant's next number of `counter`, inside the caller's transaction (the UPDATE holds
    the settings row until the transaction ends; a rollback gives the number back)."""
    settings = CommissionSettings.objects.filter(tenant_id=tenant.pk)
    step: dict[str, Any] = {str(counter): F(counter) + 1}
    if not settings.update(**step):
        commissions_defaults_ensure(tenant=tenant)
        settings.update(**step)
    return int(settings.values_list(counter, flat=True).get())


def reserve_numbers(tenant: Tenant, counter: Counter, count: int) -> range:
    """`count` consecutive numbers of `counter` at once (closing a period numbers thousands of
    statements in one UPDATE), inside the caller's transaction like `next_number`."""
    if count <= 0:
        return range(0)
    settings = CommissionSettings.objects.filter(tenant_id=tenant.pk)
    step: dict[str, Any] = {str(counter): F(counter) + count}
    if not settings.update(**step):
        commissions_defaults_ensure(tenant=tenant)
        settings.update(**step)
    last = int(settings.values_list(counter, flat=True).get())
    return range(last - count + 1, last + 1)
