"""The commissions app's metrics, registered in the core registry (prm.metrics).

Money metrics are in the tenant's default currency: amounts are summed per partner and currency
in the database, then each currency's sum is converted at the tenant's exchange rate in force on
the period's last day (`prm.exchange.rates`: reporting only, no ledger amount changes); a
currency without a rate that day is left out. One query for the sums and one for the rates.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from prm.exchange.rates import convert, rates_on
from prm.metrics.periods import Period
from prm.metrics.registry import Metric, register
from prm.tenancy.models import Tenant

from .models import Line

# C: incentives


def _incentives_paid(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    """SPIF and tier-bonus lines paid in the period (their statement's payment day), net of
    their reversals paid in it, per partner, in the tenant's currency."""
    rows = (
        Line.objects.filter(
            tenant=tenant,
            partner_id__in=ids,
            state=Line.State.PAID,
            source__in=[Line.Source.SPIF, Line.Source.TIER_BONUS],
            statement__paid_on__gte=period.start,
            statement__paid_on__lte=period.end,
        )
        .order_by()
        .values("partner_id", "currency")
        .annotate(total=Sum("amount"))
    )
    amounts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        amounts[row["partner_id"]][row["currency"]] = Decimal(row["total"] or 0)
    rates = rates_on(tenant, period.end)  # asked whatever the data: the same queries always
    return {
        partner: convert(sums, rates, tenant.default_currency).amount
        for partner, sums in amounts.items()
    }


register(
    Metric(
        name="commissions.incentives_paid",
        label=_("incentives paid"),
        unit="money",
        description=_(
            "SPIF awards and tier bonuses paid to the partner in the period (on its paid "
            "statements), in the program's currency at the rates of the period's last day."
        ),
        by_partner=_incentives_paid,
    )
)
