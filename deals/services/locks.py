"""The claim lock: one decision about claims on customers at a time, per tenant.

A registration's own row is locked by the workflow (`prm.workflow.lock_row`, and every
`DEALS.transition`). Whether a customer is already claimed is a question about other rows, which
a row lock on the registration cannot serialise: two partners submitting the same customer at the
same moment would each see it free. Every service that takes or hands over a claim (submit,
approve) therefore first locks the tenant's one `DealSettings` row (`SELECT ... FOR UPDATE`) and
waits for the others; a unique partial index on the claim key is the last line behind it.

Why that row: a claim decision follows those settings (the rules of engagement, the decision
target), which so cannot change while it is made, and the lock reads them in the same query.
Reading the settings without the lock (`deal_settings_for`) never waits.

Lock order: the claim lock before a new registration's number (`DealCounter`, taken by its
INSERT); nothing takes them the other way round.
"""

from prm.tenancy.models import Tenant

from ..models import DealSettings


def lock_claims(tenant: Tenant) -> DealSettings:
    """Wait for, and hold until the transaction ends, the tenant's claim lock; return the
    tenant's deal registration settings it locked (created with the defaults if missing)."""
    found, _created = DealSettings.objects.select_for_update().get_or_create(tenant=tenant)
    return found
