"""Quarterly business reviews: one per partner and fiscal quarter.

A QBR is a draft while its CAM prepares it (figures, highlights, roadblocks, action items; shared
with the partner's admins or not) and final once held: then nothing about it changes any more.
Its figures live in versioned snapshots (`QbrSnapshot`): every figure the review shows, frozen
as JSON when the snapshot was built, so that the PDF of a final QBR reads the same a year later
whatever happened to the deals, funds or courses since. Action items outlive their QBR: they are
tracked (owner, due date, status, reminders) and carried into the partner's next QBR.
"""

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner
from prm.tenancy.models import Membership, TenantOwned
from prm.uploads.private import private_storage


class Qbr(TenantOwned):
    """The quarterly business review of one partner for one fiscal quarter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="qbrs")
    #: the fiscal quarter reviewed (`prm.metrics.periods.fiscal_quarter_of`)
    period_start = models.DateField(_("quarter starts"))
    period_end = models.DateField(_("quarter ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    highlights = models.TextField(
        _("highlights"),
        max_length=5000,
        blank=True,
        help_text=_("What went well this quarter, in a few lines."),
    )
    roadblocks = models.TextField(
        _("roadblocks"),
        max_length=5000,
        blank=True,
        help_text=_("What held the partner back, and what would unblock it."),
    )
    #: when the draft was shared with the partner's admins (they read and comment in the portal)
    shared_at = models.DateTimeField(_("shared with the partner"), null=True, blank=True)
    #: the day the review was held with the partner (set when it is finalised)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)

    objects: ClassVar[models.Manager["Qbr"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("quarterly business review")
        verbose_name_plural = _("quarterly business reviews")
        ordering = ["-period_start", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner", "period_start"], name="qbr_one_per_partner_quarter"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="qbr_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False),
                name="qbr_final_has_moment",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "period_start", "status"])]

    def __str__(self) -> str:
        return f"{self.partner} {self.period_start:%Y-%m}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class QbrSnapshot(TenantOwned):
    """One version of a QBR's figures, frozen as JSON (`reporting.qbrs.snapshot` builds it).

    A draft gets a new version when its figures are refreshed and they changed (`digest`); the
    final version also freezes the highlights, roadblocks and action items. The rendered PDF of
    a version is kept (`pdf`): a version never changes, so neither does its PDF.
    """

    qbr = models.ForeignKey(Qbr, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField(_("version"))
    final = models.BooleanField(_("final"), default=False)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    #: sha256 of the figures (not of when they were read): the same digest, the same figures
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("built"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pdf = models.FileField(storage=private_storage, max_length=300, blank=True)
    pdf_pages = models.PositiveSmallIntegerField(null=True, blank=True)

    objects: ClassVar[models.Manager["QbrSnapshot"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("QBR snapshot")
        verbose_name_plural = _("QBR snapshots")
        ordering = ["qbr", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["qbr", "version"], name="qbrsnapshot_one_per_version"),
            models.UniqueConstraint(
                fields=["qbr"], condition=Q(final=True), name="qbrsnapshot_one_final"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qbr} v{self.version}"


class QbrActionItem(TenantOwned):
    """Something agreed in a QBR that someone (on the vendor's side or the partner's) does by a
    day. Tracked after the review, reminded, and carried into the partner's next QBR."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    qbr = models.ForeignKey(Qbr, on_delete=models.CASCADE, related_name="action_items")
    #: the QBR's partner, kept here so a partner's items are found across its QBRs
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("action"), max_length=300)
    # RESTRICT: memberships are deactivated, not deleted; a tenant's deletion still cascades.
    owner = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["QbrActionItem"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["tenant", "partner", "status", "due_on"]),
            models.Index(fields=["tenant", "status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True)
                | (~Q(status="open") & Q(done_on__isnull=False)),
                name="qbractionitem_done_on_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class QbrComment(TenantOwned):
    """A comment on a shared draft, by one of the partner's admins or by the vendor's staff."""

    qbr = models.ForeignKey(Qbr, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["QbrComment"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("QBR comment")
        verbose_name_plural = _("QBR comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]
