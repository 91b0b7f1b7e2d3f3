"""Money: a `Decimal` amount beside an ISO 4217 currency, rounded once per line by one helper."""

from decimal import ROUND_HALF_UP, Decimal

#: currencies whose minor unit is not the cent
MINOR_DIGITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3}


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (2 places unless listed above).

    Compute a line at full precision, quantize it once here; totals are sums of quantized lines.
    """
    places = MINOR_DIGITS.get(currency.upper(), 2)
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
