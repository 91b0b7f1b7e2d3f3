"""Courses, their modules, the published versions learners take, and learners' progress.

See the package docstring for how authoring and taking are kept apart."""

import os
import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Segment
from prm.tenancy.models import Membership, TenantOwned
from prm.uploads.private import private_storage

from .quizzes import QuizRules


def cover_path(instance: "Course", filename: str) -> str:
    """Covers are stored by tenant under a random name (a new name for every upload)."""
    return f"training/{instance.tenant_id}/covers/{uuid.uuid4().hex}.img"


def module_file_path(instance: "Module", filename: str) -> str:
    """A module's file by tenant and course under a random name; the uploaded name is kept in
    `Module.file_name`. A replaced file gets a new name, so published versions keep theirs."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"training/{instance.tenant_id}/{instance.course_id}/{uuid.uuid4().hex}{extension}"


class ModuleKind(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    FILE = "file", _("File (PDF or slides)")
    QUIZ = "quiz", _("Quiz")


class ModuleContent(QuizRules):
    """What a module holds, the same in the draft (`Module`) and in a version's copy (a quiz
    module's rules come from `QuizRules`, its questions are rows of their own)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ModuleKind.choices)
    #: sanitised with the agreements' allow-list when saved (`training.content.clean_html`)
    body_html = models.TextField(_("text"), blank=True)
    #: the link as the author gave it (YouTube or Vimeo); the player is derived from it
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    file = models.FileField(
        _("file"), upload_to=module_file_path, storage=private_storage, max_length=255, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=5,
        help_text=_("About how long a learner needs for this module."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Course(TenantOwned):
    """A course as staff edit it. Partners see only its published versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=30,
        help_text=_("The whole course, as the catalogue shows it."),
    )
    cover = models.ImageField(
        _("cover image"), upload_to=cover_path, storage=private_storage, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    segments = models.ManyToManyField(
        Segment,
        blank=True,
        related_name="+",
        verbose_name=_("segments"),
        help_text=_("The partners it is for. None ticked: every partner."),
    )
    #: the version partners start now (None until first published)
    current_version = models.ForeignKey(
        "CourseVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    #: the draft differs from the current version (set on every change, cleared by publishing)
    has_changes = models.BooleanField(default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["Course"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["tenant", "status"], name="course_status_idx")]

    def __str__(self) -> str:
        return self.title


class Module(TenantOwned, ModuleContent):
    """One step of a course's draft, at its `position`."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects: ClassVar[models.Manager["Module"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["position", "id"]


class CourseVersion(TenantOwned):
    """A course as published: what learners take, frozen."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"))
    #: its modules' number and minutes, fixed at publication (progress is read without them)
    module_count = models.PositiveSmallIntegerField(default=0)
    module_minutes = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects: ClassVar[models.Manager["CourseVersion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("course version")
        verbose_name_plural = _("course versions")
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "course", "number"], name="courseversion_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class VersionModule(TenantOwned, ModuleContent):
    """A module as published in one version (its file is the draft's stored file at the time)."""

    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    #: the draft module it was copied from (None once that one is deleted)
    source = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager["VersionModule"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["version", "position", "id"]


class Enrolment(TenantOwned):
    """One member taking one course, on the version they started."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="training_enrolments"
    )
    started_at = models.DateTimeField(_("started"))
    #: where "Resume" opens: the module opened or completed last
    last_module = models.ForeignKey(
        VersionModule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: how many of the version's modules are completed (kept with each completion)
    completed_modules = models.PositiveSmallIntegerField(default=0)
    #: the minutes of the modules completed (with `CourseVersion.module_minutes`: time left)
    minutes_done = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["Enrolment"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "course", "membership"], name="enrolment_once_per_member"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "membership", "completed_at"], name="enrolment_member_idx"
            )
        ]


class ModuleCompletion(TenantOwned):
    """A member finished one module of the version they take."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(VersionModule, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed"))

    objects: ClassVar[models.Manager["ModuleCompletion"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "enrolment", "module"], name="modulecompletion_once"
            )
        ]
