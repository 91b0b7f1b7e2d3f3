"""Each tenant's running numbers of requests (MDF-000001), claims (CL-000001) and payment
batches (PB-0001)."""

from typing import Any, Literal

from django.db.models import F

from prm.tenancy.models import Tenant

from .models import MdfSettings
from .setup import mdf_defaults_ensure

Counter = Literal["last_request_number", "last_claim_number", "last_batch_number"]


def next_number(tenant: Tenant, counter: Counter) -> int:
    """The tenant's next number of `counter`, inside the caller's transaction.

    The UPDATE locks the tenant's settings row until the transaction ends, so two requests filed
    at once get consecutive numbers, and a transaction rolled back gives its number back.
    """
    settings = MdfSettings.objects.filter(tenant_id=tenant.pk)
    step: dict[str, Any] = {str(counter): F(counter) + 1}
    if not settings.update(**step):
        mdf_defaults_ensure(tenant=tenant)
        settings.update(**step)
    return int(settings.values_list(counter, flat=True).get())
