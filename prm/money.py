"""Money: a `Decimal` amount beside an ISO 4217 currency, rounded once per line by one helper,
and shown by one formatter."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

from .dates import babel_locale

#: currencies whose minor unit is not the cent
MINOR_DIGITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3}


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (2 places unless listed above).

    Compute a line at full precision, quantize it once here; totals are sums of quantized lines.
    """
    places = MINOR_DIGITS.get(currency.upper(), 2)
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str, *, language: str | None = None) -> str:
    """`amount` as people of the active language write it, with the currency's symbol and minor
    unit: "$42,000.00" (en), "42.000,00 €" (de), "¥1,234,567" (a yen has no decimals).

    The one formatter for money on pages, in emails and in notifications (template filter
    `money` in `prm_formats`). `None` is shown as "—". CSV exports keep plain numbers instead.
    """
    if amount is None:
        return "—"
    return format_currency(
        quantize(amount, currency), currency.upper(), locale=babel_locale(language)
    )
