"""The tenant's dated exchange rates: one row per currency and first day it applies.

A rate is the value of ONE unit of `currency` in the tenant's default currency, from
`valid_from` until the next row of the same currency. Rates are for reporting only
(`prm.exchange.rates`): no ledger amount is ever changed with them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import CURRENCIES, TenantOwned


class ExchangeRate(TenantOwned):
    class Source(models.TextChoices):
        ENTERED = "entered", _("entered")
        IMPORTED = "imported", _("imported")

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    rate = models.DecimalField(
        _("rate"),
        max_digits=18,
        decimal_places=8,
        help_text=_("The value of one unit of the currency in the tenant's default currency."),
    )
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "currency", "valid_from"],
                name="exchange_rate_one_per_currency_and_day",
                violation_error_message=_(
                    "There is already a rate for this currency from this day: someone set it "
                    "just now. Send the form again to replace it."
                ),
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.valid_from.isoformat()}"

    @property
    def inverse(self) -> Decimal:
        """One unit of the default currency in `currency` (shown beside the rate)."""
        return Decimal(1) / self.rate
