"""How the deals app writes money and dates into notifications and messages.

Plain text in the active locale (the event's texts are rendered in the tenant's language). To be
replaced by the core's money and date formatters once they exist.
"""

from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone


def money_text(amount: Decimal | None, currency: str) -> str:
    """`48,000.00 EUR` (nothing for no amount)."""
    if amount is None:
        return ""
    return f"{formats.number_format(amount, 2, use_l10n=True)} {currency}"


def date_text(moment: datetime | None) -> str:
    """The local date of a moment (nothing for none)."""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT") if moment else ""
