"""The MDF app's money source (`prm.earnings`): reimbursements of the partner's claims.

A claim is money the partner is owed once it is filed: submitted or sent back for more
information, it is pending for what was claimed (the actual spend); approved and not yet paid,
it is approved for what the vendor approved; paid, it is paid for that amount. Drafts and
rejected claims owe nothing.

A rep's own money (`owner_id`) is the claims of the requests they filed, and only when the
tenant lets reps ask for funds (`MdfSettings.reps_may_request`); else a rep has no MDF money of
their own to follow.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from prm.earnings import APPROVED, PAID, PENDING, Earning, MoneySource
from prm.tenancy.models import Tenant

from .models import Claim
from .setup import mdf_settings

C = Claim.Status

REIMBURSEMENTS = _("MDF reimbursements")

#: a claim's status → the money's state, and the amount it is owed for
_STATES = {
    C.SUBMITTED.value: PENDING,
    C.INFO_REQUESTED.value: PENDING,
    C.APPROVED.value: APPROVED,
    C.PAID.value: PAID,
}


def mdf_earnings(tenant: Tenant, partner_id: int, owner_id: int | None) -> list[Earning]:
    """The partner's claims summed by state and currency (one grouped query; with `owner_id`,
    the tenant's settings are read first)."""
    claims = Claim.objects.filter(
        tenant_id=tenant.pk, partner_id=partner_id, status__in=list(_STATES)
    )
    if owner_id is not None:
        if not mdf_settings(tenant).reps_may_request:
            return []
        claims = claims.filter(request__owner_id=owner_id)
    # What the vendor approved, once it did; what the partner claimed until then.
    owed = Case(
        When(
            Q(status__in=[C.APPROVED, C.PAID]),
            then=Coalesce(F("approved_amount"), F("actual_spend")),
        ),
        default=F("actual_spend"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    rows = claims.order_by().values("status", "currency").annotate(total=Sum(owed))
    sums: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        key = (_STATES[row["status"]], row["currency"])
        sums[key] = sums.get(key, Decimal(0)) + (row["total"] or Decimal(0))
    return [
        Earning(kind=REIMBURSEMENTS, state=state, currency=currency, amount=amount)
        for (state, currency), amount in sums.items()
    ]


MDF_SOURCE = MoneySource("mdf", mdf_earnings, order=60)
