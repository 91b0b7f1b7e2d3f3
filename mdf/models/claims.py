"""Claims: what a funded activity cost and achieved, its proof, and its reimbursement."""

import os
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner
from prm.api import sync
from prm.tenancy.models import CURRENCIES, Membership, TenantOwned
from prm.uploads.private import private_storage

from .requests import MdfRequest


def claim_reference(number: int) -> str:
    """How people name a claim: CL- and the tenant's number, six digits at least."""
    return f"CL-{number:06d}"


def batch_reference(number: int) -> str:
    """How people name a payment batch: PB- and the tenant's number."""
    return f"PB-{number:04d}"


class PaymentBatch(TenantOwned):
    """Approved claims sent to accounts payable together (a CSV out, payment references in)."""

    number = models.PositiveIntegerField(_("number"), editable=False)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: when its last claim was marked paid
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    objects: ClassVar[models.Manager["PaymentBatch"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="mdf_batch_number_unique")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return batch_reference(self.number) if self.number else "PB-new"


class Claim(TenantOwned):
    """The partner's claim for reimbursement of an approved request, once the activity ran."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved, payment due")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    number = models.PositiveIntegerField(_("number"), editable=False)
    #: one claim per request
    request = models.OneToOneField(MdfRequest, on_delete=models.PROTECT, related_name="claim")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="mdf_claims")
    owner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    actual_spend = models.DecimalField(
        _("actual spend"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    leads = models.PositiveIntegerField(_("leads"), null=True, blank=True)
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    impressions = models.PositiveIntegerField(_("impressions"), null=True, blank=True)
    results = models.TextField(_("results"), max_length=4000, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: kept by a database trigger on every write (prm.api.sync): what the API's sync pages follow
    updated_at = sync.updated_at_field()
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_amount = models.DecimalField(
        _("approved amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    info_question = models.TextField(_("information requested"), blank=True)
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager["Claim"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="mdf_claim_number_unique_in_tenant"
            ),
            models.CheckConstraint(
                condition=models.Q(actual_spend__isnull=True) | models.Q(actual_spend__gte=0),
                name="mdf_claim_spend_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_amount__isnull=True) | models.Q(approved_amount__gt=0),
                name="mdf_claim_approved_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="paid")
                | models.Q(paid_on__isnull=False) & ~models.Q(payment_reference=""),
                name="mdf_claim_paid_has_date_and_reference",
            ),
        ]
        indexes = [
            # The API's sync pages: (updated_at, id) > cursor, within the tenant.
            models.Index(fields=["tenant", "updated_at", "id"], name="mdf_claim_sync_idx"),
            models.Index(fields=["tenant", "partner", "-created_at"], name="mdf_claim_partner_idx"),
            models.Index(
                fields=["tenant", "status", "partner"],
                include=["sla_due_at", "id"],
                name="mdf_claim_queue_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return claim_reference(self.number) if self.number else "CL-new"


def proof_path(instance: "ProofFile", filename: str) -> str:
    """Where a proof is stored: by tenant and claim, under a random name (what the uploader
    named it is kept in `ProofFile.name`, never in a path)."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"mdf/{instance.tenant_id}/{instance.claim_id}/{uuid.uuid4().hex}{extension}"


class ProofFile(TenantOwned):
    """A file proving the activity ran (an invoice, a screenshot, an attendee list)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(
        _("file"), upload_to=proof_path, storage=private_storage, max_length=255
    )
    #: the uploaded name, cleaned (what the download is called)
    name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["ProofFile"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("proof of performance")
        verbose_name_plural = _("proof of performance")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
