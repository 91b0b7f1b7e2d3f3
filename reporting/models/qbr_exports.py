"""Bulk QBR exports: the partners one export job covers, and what it made for each.

The job (`prm.jobs`, kind `reporting.qbr_export`) is started for a selection of partners; the
partners are resolved once, when it starts, into one `QbrExportItem` each (committed with the
job, before any worker sees it). A run works through those rows, so a run resumed after a killed
worker covers the same partners even if assignments, tiers or segments changed meanwhile, and
each row records what the run made for its partner (the QBR, the snapshot, the PDF), so that a
resumed run skips it instead of making it twice.

The partner list lives in these rows rather than in the job's `params`: `params` is part of the
job's unique index (one unfinished job per kind and params), and a B-tree index entry cannot
hold a few thousand partner ids.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner
from prm.jobs.models import Job
from prm.tenancy.models import TenantOwned
from prm.uploads.private import private_storage

from .qbrs import Qbr, QbrSnapshot


class QbrExportItem(TenantOwned):
    """One partner of a bulk export job, and once exported, its QBR, the snapshot exported
    and (for a draft) the PDF rendered for this export. A final QBR's PDF is kept on its
    snapshot already (`QbrSnapshot.pdf`): it is not copied here."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    qbr = models.ForeignKey(Qbr, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    snapshot = models.ForeignKey(
        QbrSnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(storage=private_storage, max_length=300, blank=True)
    #: when the partner's PDF was made; an item with none is still to do (or failed)
    done_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["QbrExportItem"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("exported QBR")
        verbose_name_plural = _("exported QBRs")
        constraints = [
            models.UniqueConstraint(fields=["job", "partner"], name="qbrexportitem_one_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.partner_id}"
