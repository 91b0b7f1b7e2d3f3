"""A background job: what runs, for whom, how far it got, and what it produced."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import TenantOwned
from prm.uploads.private import private_storage

#: failures kept per job: enough to act on, bounded so a job failing everywhere stays a small row
MAX_FAILURES = 500


class Job(TenantOwned):
    """One run of a registered job kind (`prm.jobs.registry`) in a tenant.

    The counters are the progress bar: they live in the row, so a reload, another member or
    another browser sees the same state. `params` says what the run is about (a period, a set
    of partners) and, with `kind`, which unfinished job a second start returns instead of
    starting another (`jobs_job_one_unfinished` makes that hold under concurrent starts).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    UNFINISHED: ClassVar[tuple[str, ...]] = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=80)
    #: what people read: "Close March 2027 for 4,812 partners"
    label = models.CharField(_("job"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("items"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    #: [{"item": str, "message": str}, ...], the first MAX_FAILURES of the last attempt
    failures = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: last sign of life of the worker running it; the sweep requeues a job silent too long
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    #: the file the run produced (a zip of QBRs, a CSV), served by `admin:job_result` only
    result = models.FileField(storage=private_storage, max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    #: why the job failed as a whole, in words
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "-created_at", "-id"], name="jobs_job_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "params"],
                condition=Q(status__in=["queued", "running"]),
                name="jobs_job_one_unfinished",
            ),
            models.CheckConstraint(
                condition=Q(done__gte=0) & Q(failed__gte=0), name="jobs_job_counts_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def processed(self) -> int:
        """Items handled so far, well or not: the progress bar's value."""
        return self.done + self.failed

    @property
    def percent(self) -> int:
        """Whole percent processed (0 while the total is unknown; 100 once done)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.processed * 100 // self.total)
