"""The MDF app's metrics, registered in the core registry (`prm.metrics`), so that dashboards,
scorecards, alerts and QBRs read the same figures as the fund overview.

A period selects the funds whose own period overlaps it (a Q2 fund counts in Q2 and in its
year). Money counts only funds in the tenant's default currency: amounts in different currencies
are never added together. Each metric is one query for any number of partners.

- `mdf.allocated`: what the partner was allocated.
- `mdf.committed`: what approvals took of it: committed, claimed and paid (money approved for
  the partner's requests, whether claimed yet or not).
- `mdf.reimbursed`: what was paid to the partner.
- `mdf.utilisation`: committed (as above) ÷ allocated, in percent, a ratio of sums.
- `mdf.roi`: revenue of the won registrations linked to the partner's funded campaigns ÷ what
  those campaigns cost (approved and paid claims), a ratio of sums ("4.5" for 4.5×).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.metrics.registry import ByPartner, Metric, register
from prm.tenancy.models import Tenant

from .models import Allocation, MdfRequest
from .roi import roi_by


def _allocations(tenant: Tenant, period: Period, ids: list[int]) -> QuerySet[Allocation]:
    return Allocation.objects.filter(
        tenant=tenant,
        partner_id__in=ids,
        currency=tenant.default_currency,
        fund__starts_on__lte=period.end,
        fund__ends_on__gte=period.start,
    )


def _sums(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, dict[str, Decimal]]:
    rows = (
        _allocations(tenant, period, ids)
        .order_by()
        .values("partner_id")
        .annotate(
            allocated_sum=Sum("allocated"),
            used_sum=Sum(F("committed") + F("claimed") + F("reimbursed")),
            reimbursed_sum=Sum("reimbursed"),
        )
    )
    return {
        row["partner_id"]: {
            "allocated": row["allocated_sum"] or Decimal(0),
            "used": row["used_sum"] or Decimal(0),
            "reimbursed": row["reimbursed_sum"] or Decimal(0),
        }
        for row in rows
    }


def _one(name: str) -> ByPartner:
    def by_partner(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
        return {pk: sums[name] for pk, sums in _sums(tenant, period, ids).items()}

    return by_partner


def _utilisation(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    return {
        pk: (Decimal(100) * s["used"] / s["allocated"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for pk, s in _sums(tenant, period, ids).items()
        if s["allocated"] > 0
    }


def _roi(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    requests = MdfRequest.objects.filter(
        tenant=tenant,
        partner_id__in=ids,
        currency=tenant.default_currency,
        fund__starts_on__lte=period.end,
        fund__ends_on__gte=period.start,
    )
    found: dict[int, Decimal] = {}
    for (partner_id, _currency), roi in roi_by(requests, "partner_id").items():
        if roi.spend and isinstance(partner_id, int):
            found[partner_id] = (roi.revenue / roi.spend).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return found


register(
    Metric(
        name="mdf.allocated",
        label=_("MDF allocated"),
        unit="money",
        description=_("Market development funds allocated to the partner from the period's funds."),
        by_partner=_one("allocated"),
    )
)
register(
    Metric(
        name="mdf.committed",
        label=_("MDF committed"),
        unit="money",
        description=_(
            "Of the partner's allocations of the period's funds, what approved requests took: "
            "committed, claimed and paid."
        ),
        by_partner=_one("used"),
    )
)
register(
    Metric(
        name="mdf.reimbursed",
        label=_("MDF reimbursed"),
        unit="money",
        description=_("Market development funds of the period's funds paid to the partner."),
        by_partner=_one("reimbursed"),
    )
)
register(
    Metric(
        name="mdf.utilisation",
        label=_("MDF utilisation"),
        unit="percent",
        description=_(
            "Committed, claimed and paid ÷ allocated, over the partner's allocations of the "
            "period's funds."
        ),
        by_partner=_utilisation,
    )
)
register(
    Metric(
        name="mdf.roi",
        label=_("MDF return (revenue ÷ spend)"),
        unit="ratio",
        description=_(
            "Revenue of the won registrations linked to the partner's funded campaigns of the "
            "period's funds, per unit of what those campaigns cost."
        ),
        by_partner=_roi,
    )
)
