"""The claim lock: one decision about claims on customers at a time, per tenant.

A registration's own row is locked by the workflow (`prm.workflow.lock_row`, and every
`DEALS.transition`). Whether a customer is already claimed is a question about other rows, which
a row lock cannot serialise: two partners submitting the same customer at the same moment would
each see it free. A transaction-level advisory lock per tenant makes every service that takes or
hands over a claim (submit, approve) wait for the others; a unique partial index on the claim
key is the last line behind it.
"""

from django.db import connection

#: first key of the advisory lock that serialises claim decisions within one tenant
CLAIM_LOCK = 0x0DEA1


def lock_claims(tenant_id: int) -> None:
    """Wait for, and hold until the transaction ends, the tenant's claim lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CLAIM_LOCK, tenant_id])
