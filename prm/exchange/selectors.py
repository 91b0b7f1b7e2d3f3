"""What the exchange-rates page reads: the rate in force per currency, the rates scheduled
ahead, and the history (a fixed number of queries, whatever the number of rates)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import get_currency_name
from django.db.models import QuerySet

from prm.dates import babel_locale
from prm.tenancy.models import CURRENCIES, Tenant

from .models import ExchangeRate

#: the inverse rate is shown to 4 places: it is a reading aid, never used to compute
INVERSE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CurrencyRow:
    """One currency of the page's summary."""

    currency: str
    name: str
    #: the rate in force on the day (None: the currency has no rate yet on that day)
    current: ExchangeRate | None
    #: rates that start after the day, soonest first
    scheduled: list[ExchangeRate]


def currency_name(code: str) -> str:
    """ "US dollar" for USD, in the active language."""
    return str(get_currency_name(code, locale=babel_locale()))


def inverse(rate: ExchangeRate) -> Decimal:
    """One unit of the tenant's currency in the rate's currency, to 4 places (for reading)."""
    return (Decimal(1) / rate.rate).quantize(INVERSE_PLACES)


def foreign_currencies(tenant: Tenant) -> list[str]:
    """The currencies a rate may be entered for: every known one but the tenant's own."""
    return [code for code, _label in CURRENCIES if code != tenant.default_currency]


def rates_summary(tenant: Tenant, day: date) -> list[CurrencyRow]:
    """Every currency but the tenant's own: its rate in force on `day` and those scheduled
    after it. Two queries (the rates in force, by DISTINCT ON; the scheduled ones)."""
    current = {
        r.currency: r
        for r in ExchangeRate.objects.filter(tenant=tenant, valid_from__lte=day)
        .exclude(currency=tenant.default_currency)
        .order_by("currency", "-valid_from")
        .distinct("currency")
    }
    scheduled: dict[str, list[ExchangeRate]] = {}
    for r in ExchangeRate.objects.filter(tenant=tenant, valid_from__gt=day).order_by(
        "currency", "valid_from"
    ):
        scheduled.setdefault(r.currency, []).append(r)
    return [
        CurrencyRow(code, currency_name(code), current.get(code), scheduled.get(code, []))
        for code in foreign_currencies(tenant)
    ]


def rate_history(tenant: Tenant, currency: str | None = None) -> QuerySet[ExchangeRate]:
    """Every rate of the tenant (of `currency` only, when given), the latest first, with who
    entered it."""
    rows = ExchangeRate.objects.filter(tenant=tenant).select_related("created_by")
    if currency:
        rows = rows.filter(currency=currency)
    return rows.order_by("-valid_from", "currency", "-id")


def rates_of(tenant: Tenant) -> QuerySet[ExchangeRate]:
    """The tenant's rates (the delete page finds its row among them: another tenant's is 404)."""
    return ExchangeRate.objects.filter(tenant=tenant)
