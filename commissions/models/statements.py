"""Statements: what a partner is paid for one period, and the payout batches that pay them.

A statement gathers a partner's approved lines earned up to its period's end and not on an
earlier statement. Its totals are per currency (never summed across currencies): the opening
balance (a negative closing balance carried from the partner's previous statement: a clawback
larger than what was earned is taken from the next payout), the lines, and the closing balance,
which is what is paid when it is above zero.
"""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner
from prm.api import sync
from prm.tenancy.models import CURRENCIES, TenantOwned
from prm.uploads.private import private_storage

from .common import money


def statement_reference(number: int) -> str:
    return f"CS-{number:06d}"


def payout_reference(number: int) -> str:
    return f"PO-{number:06d}"


def statement_pdf_path(instance: "Statement", filename: str) -> str:
    return f"commissions/{instance.tenant_id}/statements/{instance.reference}-{filename}"


class PayoutBatch(TenantOwned):
    """Approved statements of one currency handed to accounts payable as one CSV, paid when the
    CSV comes back with a payment reference and date for each."""

    number = models.PositiveIntegerField(_("number"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    objects: ClassVar[models.Manager["PayoutBatch"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="payoutbatch_unique_number")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return payout_reference(self.number)


class Statement(TenantOwned):
    """One partner's statement for one period: drafted when the period closes, approved by
    partner operations, then paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="statements")
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: kept by a database trigger on every write (prm.api.sync): what the API's sync pages follow
    updated_at = sync.updated_at_field()
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: the PDF of an approved statement, stored once (a paid statement's is made again)
    pdf = models.FileField(
        upload_to=statement_pdf_path, storage=private_storage, blank=True, editable=False
    )

    objects: ClassVar[models.Manager["Statement"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period_end", "partner__name", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="statement_unique_number"),
            # One statement per partner and period: closing a period twice adds no second one.
            models.UniqueConstraint(
                fields=["tenant", "partner", "period_start"], name="statement_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="statement_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "period_end"], name="statement_status_idx"),
            models.Index(fields=["tenant", "partner", "period_end"], name="statement_partner_idx"),
            # The API's sync pages: (updated_at, id) > cursor, within the tenant.
            models.Index(fields=["tenant", "updated_at", "id"], name="statement_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return statement_reference(self.number)


class StatementTotal(TenantOwned):
    """A statement's figures in one currency."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="totals")
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    opening = money(_("opening balance"), default=0)
    lines_total = money(_("lines"), default=0)
    closing = money(_("closing balance"), default=0)

    objects: ClassVar[models.Manager["StatementTotal"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("statement total")
        verbose_name_plural = _("statement totals")
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "currency"], name="statementtotal_one_per_currency"
            ),
            models.CheckConstraint(
                condition=models.Q(closing=models.F("opening") + models.F("lines_total")),
                name="statementtotal_closing_adds_up",
            ),
        ]

    @property
    def payable(self) -> Decimal:
        """What is paid: the closing balance when above zero (a negative one is carried)."""
        return max(Decimal(self.closing), Decimal("0.00"))
