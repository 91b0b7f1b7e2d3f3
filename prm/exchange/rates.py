"""The read API of the exchange-rate table: reporting only, never changes a ledger amount.

Amounts stay in the currency they were agreed in, everywhere they are stored: a deal, a
commission line, an MDF reimbursement. To report a total across currencies in the tenant's
default currency (a metric, a dashboard's headline), a reader asks for the rates in force on a
day (`rates_on`) and converts the amounts it summed per currency (`to_tenant_currency`, or
`convert` when it already has the rates). An amount in a currency without a rate on that day is
left out and named in `Converted.missing`; it is never guessed.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from prm.money import quantize
from prm.tenancy.models import Tenant

from .models import ExchangeRate

ONE = Decimal(1)


@dataclass(frozen=True)
class Converted:
    """A total in the tenant's currency and what it had to leave out."""

    #: the sum of the converted amounts, quantized once in `currency`
    amount: Decimal
    #: the tenant's default currency
    currency: str
    #: currencies with an amount but no rate on the day: left out of `amount`
    missing: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        """True when some amounts were left out for want of a rate."""
        return bool(self.missing)


def rates_on(tenant: Tenant, day: date) -> dict[str, Decimal]:
    """Each currency's rate in force on `day` (the row with the latest `valid_from` ≤ `day`),
    and the tenant's default currency at 1. A currency with no rate yet is absent. One query."""
    rows = (
        ExchangeRate.objects.filter(tenant=tenant, valid_from__lte=day)
        .exclude(currency=tenant.default_currency)
        .order_by("currency", "-valid_from")
        .distinct("currency")
        .values_list("currency", "rate")
    )
    found = dict(rows)
    found[tenant.default_currency] = ONE
    return found


def rates_on_days(tenant: Tenant, days: Iterable[date]) -> dict[date, dict[str, Decimal]]:
    """`rates_on` for several days in one query (a chart's months, a dashboard's periods): the
    tenant's rates up to the latest day are read once and each day takes, per currency, the row
    with the latest `valid_from` not after it."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    rows = (
        ExchangeRate.objects.filter(tenant=tenant, valid_from__lte=wanted[-1])
        .exclude(currency=tenant.default_currency)
        .order_by("valid_from")
        .values_list("currency", "valid_from", "rate")
    )
    history = list(rows)
    found: dict[date, dict[str, Decimal]] = {}
    for day in wanted:
        in_force: dict[str, Decimal] = {}
        for currency, valid_from, rate in history:  # oldest first: a later row overwrites
            if valid_from > day:
                break
            in_force[currency] = rate
        in_force[tenant.default_currency] = ONE
        found[day] = in_force
    return found


def convert(
    amounts: Mapping[str, Decimal], rates: Mapping[str, Decimal], currency: str
) -> Converted:
    """`amounts` (currency -> amount) in `currency` at `rates` (from `rates_on`): the products
    are added at full precision and the sum quantized once; currencies without a rate and a
    non-zero amount are left out and listed."""
    total = Decimal(0)
    missing = []
    for code, amount in amounts.items():
        if not amount:
            continue
        rate = rates.get(code)
        if rate is None:
            missing.append(code)
            continue
        total += Decimal(amount) * rate
    return Converted(quantize(total, currency), currency, tuple(sorted(missing)))


def to_tenant_currency(tenant: Tenant, amounts: Mapping[str, Decimal], *, on: date) -> Converted:
    """`amounts` (currency -> amount) in the tenant's default currency at the rates in force
    `on` that day (one query; see `convert`)."""
    return convert(amounts, rates_on(tenant, on), tenant.default_currency)
