"""The commissions app's metrics, registered in the core registry (`prm.metrics`), so that
dashboards, scorecards, alerts and QBRs read the same figures as the money view.

Money metrics are in the tenant's default currency: the ledger is summed per partner and
currency in the database, then each currency's sum is converted at the tenant's exchange rate in
force on the period's last day (`prm.exchange.rates`: reporting only, no line's amount changes).
A currency without a rate on that day is left out, never guessed. One query for the sums and
one for the rates, however many partners and currencies.

- `commissions.earned`: the commission deals earned in the period — deal lines earned in it,
  net of the reversals and clawbacks of deal lines recorded in it (a deal reopened next month
  lowers next month's figure, not this one's).
- `commissions.paid`: what was paid on statements paid in the period (every line of them:
  commissions, incentives, bonuses and adjustments).
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from prm.exchange.rates import convert, rates_on
from prm.metrics.periods import Period
from prm.metrics.registry import ByPartner, Metric, register
from prm.tenancy.models import Tenant

from .models import Line, Statement

S = Line.Source


def _earned(tenant: Tenant, period: Period, ids: list[int]) -> QuerySet[Line]:
    return Line.objects.filter(
        Q(source=S.DEAL) | Q(source=S.CLAWBACK, reverses__source=S.DEAL),
        tenant=tenant,
        partner_id__in=ids,
        earned_on__gte=period.start,
        earned_on__lte=period.end,
    )


def _paid(tenant: Tenant, period: Period, ids: list[int]) -> QuerySet[Line]:
    return Line.objects.filter(
        tenant=tenant,
        partner_id__in=ids,
        state=Line.State.PAID,
        statement__status=Statement.Status.PAID,
        statement__paid_on__gte=period.start,
        statement__paid_on__lte=period.end,
    )


def _in_tenant_currency(source: Callable[[Tenant, Period, list[int]], QuerySet[Line]]) -> ByPartner:
    """Each partner's sum of its lines' amounts in the tenant's currency at the rates of the
    period's last day (see the module)."""

    def by_partner(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
        rows = (
            source(tenant, period, ids)
            .order_by()
            .values("partner_id", "currency")
            .annotate(total=Sum("amount"))
        )
        amounts: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for row in rows:
            amounts[row["partner_id"]][row["currency"]] = Decimal(row["total"] or 0)
        # Asked even when every sum is in the default currency: the same queries whatever the data.
        rates = rates_on(tenant, period.end)
        return {
            partner: convert(sums, rates, tenant.default_currency).amount
            for partner, sums in amounts.items()
        }

    return by_partner


for metric in [
    Metric(
        name="commissions.earned",
        label=_("commission earned"),
        unit="money",
        description=_(
            "Commission on deals earned in the period, net of the reversals recorded in it, in "
            "the tenant's currency at the rates in force on the period's last day; currencies "
            "without a rate are left out."
        ),
        by_partner=_in_tenant_currency(_earned),
    ),
    Metric(
        name="commissions.paid",
        label=_("commission paid"),
        unit="money",
        description=_(
            "What was paid on the commission statements paid in the period, in the tenant's "
            "currency at the rates in force on the period's last day; currencies without a rate "
            "are left out."
        ),
        by_partner=_in_tenant_currency(_paid),
    ),
]:
    register(metric)


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
