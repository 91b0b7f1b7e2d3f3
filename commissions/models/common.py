"""Field helpers the commissions models share."""

from typing import Any

from django.db import models


def money(label: Any, **kwargs: Any) -> Any:
    """A money amount: 14 digits, 2 of them decimals (its currency is beside it)."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def percent(label: Any, **kwargs: Any) -> Any:
    """A rate in percent, to four decimals (12.5 is 12.5%)."""
    return models.DecimalField(label, max_digits=7, decimal_places=4, **kwargs)
