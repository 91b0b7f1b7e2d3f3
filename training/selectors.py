"""Reads of the training app, each narrowed to what the member may see.

Targeting is one rule, `targets_partner`: a published course whose segments are empty is for
every partner, else for the partners in at least one of its segments (the segments' own rule,
`partners.segments.selectors`). The catalogue, the course pages and the file downloads all go
through `courses_for_learner`, so a partner outside a course's segments cannot open it, unless
one of its users started the course before it was retargeted: that learner keeps it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from partners.segments.selectors import segments_of
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from .models import (
    Course,
    CourseVersion,
    Enrolment,
    LearningPath,
    Module,
    ModuleCompletion,
    PathCourse,
    VersionModule,
)


def targets_partner(partner: Partner) -> Q:
    """Courses meant for `partner`: no segment named, or one the partner is in (two queries
    to find the partner's segments)."""
    segment_ids = [s.pk for s in segments_of(partner)]
    through = Course.segments.through
    untargeted = ~Exists(through.objects.filter(course_id=OuterRef("pk")))
    targeted = Exists(through.objects.filter(course_id=OuterRef("pk"), segment_id__in=segment_ids))
    return untargeted | targeted


def courses_for_learner(membership: Membership) -> QuerySet[Course]:
    """The published courses a partner user may take: their company's, by segment, and every
    course they started (a course later retargeted away from their company stays theirs to
    finish: progress is never taken away). Staff and members without a company get none (they
    preview in the admin UI)."""
    if membership.partner is None or not membership.can("portal.training"):
        return Course.objects.none()
    started = Exists(
        Enrolment.objects.filter(course_id=OuterRef("pk"), membership_id=membership.pk)
    )
    return (
        Course.objects.filter(
            tenant_id=membership.tenant_id,
            status=Course.Status.PUBLISHED,
            current_version__isnull=False,
        )
        .filter(targets_partner(membership.partner) | started)
        .select_related("current_version")
    )


def enrolments_of(membership: Membership) -> QuerySet[Enrolment]:
    """The member's own enrolments, with their version (newest activity first)."""
    return (
        Enrolment.objects.filter(tenant_id=membership.tenant_id, membership=membership)
        .select_related("version", "course", "last_module")
        .order_by("-updated_at", "-id")
    )


def enrolment_for(membership: Membership, course: Course) -> Enrolment | None:
    """The member's enrolment in `course`, if they started it."""
    return enrolments_of(membership).filter(course=course).first()


def version_modules(version: CourseVersion) -> list[VersionModule]:
    """A version's modules in order."""
    return list(
        VersionModule.objects.filter(tenant_id=version.tenant_id, version=version).order_by(
            "position", "id"
        )
    )


def completed_module_ids(enrolment: Enrolment | None) -> set[int]:
    """The ids of the version modules the enrolment completed."""
    if enrolment is None:
        return set()
    return set(
        ModuleCompletion.objects.filter(
            tenant_id=enrolment.tenant_id, enrolment=enrolment
        ).values_list("module_id", flat=True)
    )


def draft_modules(course: Course) -> list[Module]:
    """The draft's modules in order (the admin's preview)."""
    return list(Module.objects.filter(tenant_id=course.tenant_id, course=course))


def courses_for_staff(membership: Membership) -> QuerySet[Course]:
    """Every course of the tenant (staff see all; what partners see is decided by targeting)."""
    return Course.objects.filter(tenant_id=membership.tenant_id)


def partner_enrolments(partner: Partner, membership: Membership) -> QuerySet[Enrolment]:
    """The enrolments of a partner's users, if the member may see that partner (a CAM: their
    assigned partners only; the check is a subquery, no query of its own)."""
    return (
        Enrolment.objects.filter(
            tenant_id=partner.tenant_id,
            membership__partner=partner,
            membership__partner__in=visible_partners(membership),
        )
        .select_related("version", "membership__user")
        .order_by("-updated_at", "-id")
    )


@dataclass(frozen=True)
class CourseRow:
    """A course as the learner's pages show it: the version they take (or would start), and
    how far they are."""

    course: Course
    version: CourseVersion
    enrolment: Enrolment | None
    total: int
    done: int
    #: the version's estimate scaled by the share of module minutes still to do
    minutes_left: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None

    @property
    def in_progress(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is None


def progress_rows(courses: list[Course], enrolments: dict[int, Enrolment]) -> list[CourseRow]:
    """One `CourseRow` per course, without a query: a version carries its modules' number and
    minutes, an enrolment the minutes it completed (select the versions with the rows)."""
    rows = []
    for course in courses:
        enrolment = enrolments.get(course.pk)
        version = enrolment.version if enrolment is not None else course.current_version
        if version is None:
            continue
        left_share = 1.0
        if enrolment is not None and enrolment.completed_at is not None:
            left_share = 0.0
        elif enrolment is not None and version.module_minutes:
            left_share = max(0.0, 1 - enrolment.minutes_done / version.module_minutes)
        rows.append(
            CourseRow(
                course=course,
                version=version,
                enrolment=enrolment,
                total=version.module_count,
                done=min(enrolment.completed_modules if enrolment else 0, version.module_count),
                minutes_left=round(version.estimated_minutes * left_share),
            )
        )
    return rows


def learning_rows(membership: Membership) -> list[CourseRow]:
    """Every course offered to the member, with their progress (a fixed number of queries)."""
    courses = list(courses_for_learner(membership).order_by("title", "id"))
    enrolments = {
        e.course_id: e
        for e in enrolments_of(membership).filter(course_id__in=[c.pk for c in courses])
    }
    return progress_rows(courses, enrolments)


# The learner's desk and the catalogue ----------------------------------------------------------
#
# At scale a rep is offered a couple of hundred courses and has started many: these pages count
# and cut in SQL, and build a `CourseRow` only for the cards they show.


class Progress(models.TextChoices):
    """Where the learner is with a course (the catalogue's status filter)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


def _mine(membership: Membership) -> QuerySet[Enrolment]:
    """The member's enrolment in the outer query's course (for EXISTS: the enrolments' unique
    (tenant, course, membership) index answers it without reading a row)."""
    return Enrolment.objects.filter(
        tenant_id=membership.tenant_id, membership_id=membership.pk, course_id=OuterRef("pk")
    )


def of_progress(
    courses: QuerySet[Course], membership: Membership, progress: str
) -> QuerySet[Course]:
    """`courses` narrowed to those of one `Progress` for the member ("" or an unknown value:
    all), by EXISTS on their enrolments."""
    mine = _mine(membership)
    if progress == Progress.NOT_STARTED:
        return courses.filter(~Exists(mine))
    if progress == Progress.IN_PROGRESS:
        return courses.filter(Exists(mine.filter(completed_at__isnull=True)))
    if progress == Progress.COMPLETED:
        return courses.filter(Exists(mine.filter(completed_at__isnull=False)))
    return courses


@dataclass(frozen=True)
class LearnerCounts:
    """How many courses are offered to the member, and where they are with them."""

    offered: int
    started: int
    completed: int

    @property
    def not_started(self) -> int:
        return self.offered - self.started

    @property
    def in_progress(self) -> int:
        return self.started - self.completed

    def of(self, progress: str) -> int:
        """The number of courses of one `Progress` ("": all)."""
        return {
            Progress.NOT_STARTED: self.not_started,
            Progress.IN_PROGRESS: self.in_progress,
            Progress.COMPLETED: self.completed,
        }.get(progress, self.offered)  # type: ignore[call-overload]


def learner_counts(
    membership: Membership, offered: QuerySet[Course] | None = None
) -> LearnerCounts:
    """The member's course counts in one aggregate query (pass `courses_for_learner` when the
    page has it: its targeting costs two queries each time it is built)."""
    courses = offered if offered is not None else courses_for_learner(membership)
    mine = _mine(membership)
    found = courses.order_by().aggregate(
        offered=Count("pk"),
        started=Count("pk", filter=Exists(mine)),
        completed=Count("pk", filter=Exists(mine.filter(completed_at__isnull=False))),
    )
    return LearnerCounts(**found)


def rows_of(membership: Membership, courses: Iterable[Course]) -> list[CourseRow]:
    """The `CourseRow`s of `courses` (a page's, already cut) in their order: the courses, then
    the member's enrolments in them (two queries)."""
    listed = list(courses)
    enrolments = {
        e.course_id: e
        for e in enrolments_of(membership).filter(course_id__in=[c.pk for c in listed])
    }
    return progress_rows(listed, enrolments)


def enrolment_rows(enrolments: QuerySet[Enrolment]) -> list[CourseRow]:
    """The `CourseRow`s of the member's `enrolments` (from `enrolments_of`, cut), one query."""
    listed = list(enrolments)
    return progress_rows([e.course for e in listed], {e.course_id: e for e in listed})


def in_progress_enrolments(
    membership: Membership, offered: QuerySet[Course]
) -> QuerySet[Enrolment]:
    """The member's courses in progress, the most recently active first (slice it)."""
    return enrolments_of(membership).filter(
        completed_at__isnull=True, course__in=offered.order_by().values("pk")
    )


def completed_enrolments(membership: Membership, offered: QuerySet[Course]) -> QuerySet[Enrolment]:
    """The member's completed courses, the most recently completed first (slice it)."""
    return (
        enrolments_of(membership)
        .filter(completed_at__isnull=False, course__in=offered.order_by().values("pk"))
        .order_by("-completed_at", "-id")
    )


def newest_not_started(
    membership: Membership, offered: QuerySet[Course], *, leave_out: set[int], limit: int
) -> list[CourseRow]:
    """Up to `limit` courses the member has not started, the most recently published first,
    without those in `leave_out` (locked, or recommended already): one query, LIMITed."""
    if limit <= 0:
        return []
    courses = (
        of_progress(offered, membership, Progress.NOT_STARTED)
        .exclude(pk__in=leave_out)
        .order_by("-current_version__published_at", "-id")[:limit]
    )
    return progress_rows(list(courses), {})


def matching(courses: QuerySet[Course], q: str) -> QuerySet[Course]:
    """The courses whose published title or summary holds `q`, in any case ("": all)."""
    if not q:
        return courses
    return courses.filter(
        Q(current_version__title__icontains=q) | Q(current_version__summary__icontains=q)
    )


def catalogue_courses(
    membership: Membership, offered: QuerySet[Course], *, q: str, progress: str
) -> QuerySet[Course]:
    """The catalogue: the courses offered to the member `matching` `q`, of one `Progress` ("":
    all), by title."""
    courses = of_progress(matching(offered, q), membership, progress)
    return courses.order_by(Lower("current_version__title"), "id")


def path_course_rows(membership: Membership, offered: QuerySet[Course]) -> list[CourseRow]:
    """The rows of the offered courses that are in a published path: what
    `training.paths.selectors.path_rows` needs for the member's paths and the locks, without a
    row for a course in no path (two queries). Every published path, not only the member's:
    the paths' targeting would cost two more queries for the partner's segments, and the
    steps of a path the member does not follow are never looked up."""
    in_paths = PathCourse.objects.filter(
        tenant_id=membership.tenant_id, path__status=LearningPath.Status.PUBLISHED
    ).values("course_id")
    return rows_of(membership, offered.filter(pk__in=in_paths).order_by("title", "id"))
