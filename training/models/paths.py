"""Learning paths and certifications.

A `LearningPath` is an ordered list of published courses (`PathCourse`) for the partners of its
segments (none: every partner). Each course of a path is required or optional, and may wait
for a prerequisite:

- by default, the nearest *required* course before it in the path (so a path reads as a
  sequence, and optional courses never hold anyone back); the first course waits for nothing;
- or the course named in `PathCourse.prerequisite` (any course placed before it in the path);
- or nothing, when `PathCourse.open_from_start` is ticked.

A course is *locked* for a learner while every published path that offers it to them still
waits for its prerequisite (passing = an `Enrolment` with `completed_at`, the same fact as
`training.course.passed`). A course already started is never locked: progress is never lost.

A `Certification` is earned by passing a path (every required course) or one named course.
Each time it is earned, a `CertificationAward` records who, when, until when (validity in
months, 0 = never expires) and an unguessable verification code; an expired or revoked award
stops counting everywhere (`CertificationAward.valid_q`).
"""

import secrets
from datetime import datetime
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner, Segment
from prm.tenancy.models import Membership, TenantOwned

from .courses import Course


class LearningPath(TenantOwned):
    """An ordered curriculum of courses for the partners of some segments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    segments = models.ManyToManyField(
        Segment,
        blank=True,
        related_name="+",
        verbose_name=_("segments"),
        help_text=_("The partners it is for. None ticked: every partner."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["LearningPath"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["tenant", "status"], name="path_status_idx")]

    def __str__(self) -> str:
        return self.title


class PathCourse(TenantOwned):
    """One course of a path, at its position (see the module docstring for prerequisites)."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="path_steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Needed to complete the path.")
    )
    prerequisite = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unlocked by"),
        help_text=_("Empty: the previous required course of the path."),
    )
    open_from_start = models.BooleanField(
        _("open from the start"),
        default=False,
        help_text=_("No prerequisite: learners may take it at any time."),
    )

    objects: ClassVar[models.Manager["PathCourse"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("course of the path")
        verbose_name_plural = _("courses of the path")
        ordering = ["path", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "path", "course"],
                name="pathcourse_once_per_path",
                violation_error_message=_("This course is in the path already."),
            )
        ]

    def __str__(self) -> str:
        return str(self.course)


class Certification(TenantOwned):
    """What passing a path or a named course certifies, and for how long."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    path = models.ForeignKey(
        LearningPath,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certifications",
        verbose_name=_("earned by passing the path"),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certifications",
        verbose_name=_("or by passing the course"),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=12,
        help_text=_("0: it never expires. A holder renews by passing it again once it expired."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.ACTIVE,
        help_text=_("A retired certification is no longer awarded; awards already made stay."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["Certification"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(path__isnull=False) & Q(course__isnull=True))
                | (Q(path__isnull=True) & Q(course__isnull=False)),
                name="certification_path_or_course",
                violation_error_message=_("Choose either a path or a course that earns it."),
            )
        ]

    def __str__(self) -> str:
        return self.name


def verification_code() -> str:
    """An unguessable code for the public verification page (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class CertificationAward(TenantOwned):
    """A member certified: earned once, valid until `expires_at` unless revoked."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="awards"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="certification_awards"
    )
    #: the company the holder earned it for (verification names it; memberships may move)
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="certification_awards"
    )
    earned_at = models.DateTimeField(_("earned"))
    #: None: it never expires
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    code = models.CharField(max_length=40, unique=True, default=verification_code, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects: ClassVar[models.Manager["CertificationAward"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("certification award")
        verbose_name_plural = _("certification awards")
        ordering = ["-earned_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "membership"], name="award_member_idx"),
            models.Index(fields=["tenant", "partner", "expires_at"], name="award_partner_idx"),
            models.Index(fields=["tenant", "certification"], name="award_cert_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.certification} ({self.membership})"

    @staticmethod
    def valid_q(at: datetime, prefix: str = "") -> Q:
        """Awards that count at `at`: not revoked, not expired (the one rule everywhere)."""
        return Q(**{f"{prefix}revoked_at__isnull": True}) & (
            Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": at})
        )

    def state_at(self, at: datetime) -> str:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at is not None and self.expires_at <= at:
            return self.State.EXPIRED
        return self.State.VALID
