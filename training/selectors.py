"""Reads of the training app, each narrowed to what the member may see.

Targeting is one rule, `targets_partner`: a published course whose segments are empty is for
every partner, else for the partners in at least one of its segments (the segments' own rule,
`partners.segments.selectors`). The catalogue, the course pages and the file downloads all go
through `courses_for_learner`, so a partner outside a course's segments cannot open it.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from partners.models import Partner
from partners.segments.selectors import segments_of
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from .models import Course, CourseVersion, Enrolment, Module, ModuleCompletion, VersionModule


def targets_partner(partner: Partner) -> Q:
    """Courses meant for `partner`: no segment named, or one the partner is in (two queries
    to find the partner's segments)."""
    segment_ids = [s.pk for s in segments_of(partner)]
    through = Course.segments.through
    untargeted = ~Exists(through.objects.filter(course_id=OuterRef("pk")))
    targeted = Exists(through.objects.filter(course_id=OuterRef("pk"), segment_id__in=segment_ids))
    return untargeted | targeted


def courses_for_learner(membership: Membership) -> QuerySet[Course]:
    """The published courses a partner user may take: their company's, by segment. Staff and
    members without a company get none (they preview in the admin UI)."""
    if membership.partner is None or not membership.can("portal.training"):
        return Course.objects.none()
    return (
        Course.objects.filter(
            tenant_id=membership.tenant_id,
            status=Course.Status.PUBLISHED,
            current_version__isnull=False,
        )
        .filter(targets_partner(membership.partner))
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
    assigned partners only)."""
    if not visible_partners(membership).filter(pk=partner.pk).exists():
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(tenant_id=partner.tenant_id, membership__partner=partner)
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
    """One `CourseRow` per course, in two queries whatever the number of courses: the module
    minutes of every version concerned, and the minutes each enrolment completed."""
    versions = {
        c.pk: (enrolments[c.pk].version if c.pk in enrolments else c.current_version)
        for c in courses
    }
    version_ids = {v.pk for v in versions.values() if v is not None}
    per_version: dict[int, tuple[int, int]] = {
        row["version_id"]: (row["n"], row["minutes"] or 0)
        for row in VersionModule.objects.filter(version_id__in=version_ids)
        .values("version_id")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
    }
    done_minutes: dict[int, int] = {
        row["enrolment_id"]: row["minutes"] or 0
        for row in ModuleCompletion.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments.values()]
        )
        .values("enrolment_id")
        .annotate(minutes=Sum("module__minutes"))
    }
    rows = []
    for course in courses:
        version = versions[course.pk]
        if version is None:
            continue
        enrolment = enrolments.get(course.pk)
        total, minutes = per_version.get(version.pk, (0, 0))
        done = enrolment.completed_modules if enrolment else 0
        left_share = 1 - (
            done_minutes.get(enrolment.pk, 0) / minutes if enrolment and minutes else 0
        )
        if enrolment is not None and enrolment.completed_at is not None:
            left_share = 0
        rows.append(
            CourseRow(
                course=course,
                version=version,
                enrolment=enrolment,
                total=total,
                done=min(done, total),
                minutes_left=max(0, round(version.estimated_minutes * left_share)),
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
