"""Reads of learning paths and certifications, each narrowed to what the member may see.

Targeting is the courses' rule (`training.selectors`): a published path whose segments are
empty is for every partner, else for the partners in one of its segments (`segments_of`). A
path shows only the courses offered to the learner (published and targeting them too); its
progress and its prerequisites are worked out over those (see `training.models.paths`).
"""

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from partners.models import Partner
from partners.segments.selectors import segments_of
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import visible_partners

from ..models import (
    Certification,
    CertificationAward,
    Course,
    Enrolment,
    LearningPath,
    PathCourse,
)
from ..selectors import CourseRow, learning_rows


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole months, on the same day or the month's last (31 Jan + 1 = 28 Feb)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def path_targets(segment_ids: list[int]) -> Q:
    """Paths meant for a partner in `segment_ids`: no segment named, or one of those."""
    through = LearningPath.segments.through
    untargeted = ~Exists(through.objects.filter(learningpath_id=OuterRef("pk")))
    targeted = Exists(
        through.objects.filter(learningpath_id=OuterRef("pk"), segment_id__in=segment_ids)
    )
    return untargeted | targeted


def paths_for_partner(partner: Partner) -> QuerySet[LearningPath]:
    """The published paths meant for `partner` (two queries to find its segments)."""
    segment_ids = [s.pk for s in segments_of(partner)]
    return LearningPath.objects.filter(
        tenant_id=partner.tenant_id, status=LearningPath.Status.PUBLISHED
    ).filter(path_targets(segment_ids))


def paths_for_learner(membership: Membership) -> QuerySet[LearningPath]:
    """The published paths a partner user follows; none for staff (they preview courses)."""
    if membership.partner is None or not membership.can("portal.training"):
        return LearningPath.objects.none()
    return paths_for_partner(membership.partner)


@dataclass(frozen=True)
class StepRow:
    """One course of a path as a learner sees it."""

    step: PathCourse
    row: CourseRow
    #: the course to pass first (None: open)
    waits_for: Course | None
    locked: bool

    @property
    def course(self) -> Course:
        return self.row.course

    @property
    def passed(self) -> bool:
        return self.row.completed


@dataclass(frozen=True)
class PathRow:
    """A path with the learner's progress in it."""

    path: LearningPath
    steps: list[StepRow]
    certifications: list[Certification] = field(default_factory=list)

    @property
    def required(self) -> list[StepRow]:
        return [s for s in self.steps if s.step.required]

    @property
    def required_total(self) -> int:
        return len(self.required)

    @property
    def required_passed(self) -> int:
        return sum(1 for s in self.required if s.passed)

    @property
    def completed(self) -> bool:
        return bool(self.required) and self.required_passed == self.required_total

    @property
    def percent(self) -> int:
        total = self.required_total
        return round(100 * self.required_passed / total) if total else 0

    @property
    def minutes_left(self) -> int:
        """The courses' estimates still to do, required courses only (as `CourseRow`)."""
        return sum(s.row.minutes_left for s in self.required if not s.passed)

    @property
    def next_step(self) -> StepRow | None:
        """The first course not passed that the learner may take now (required first)."""
        open_steps = [s for s in self.steps if not s.passed and not s.locked]
        required = [s for s in open_steps if s.step.required]
        first = required or open_steps
        return first[0] if first else None


def _steps_of(paths: list[LearningPath]) -> dict[int, list[PathCourse]]:
    steps: dict[int, list[PathCourse]] = {p.pk: [] for p in paths}
    rows = PathCourse.objects.filter(
        tenant_id__in={p.tenant_id for p in paths}, path_id__in=list(steps)
    ).order_by("path_id", "position", "id")
    for step in rows:
        steps[step.path_id].append(step)
    return steps


def build_path(path: LearningPath, steps: list[PathCourse], rows: dict[int, CourseRow]) -> PathRow:
    """A `PathRow` from the path's steps and the learner's course rows (no query): steps whose
    course is not offered to the learner are left out, prerequisites are read over the rest."""
    shown = [s for s in steps if s.course_id in rows]
    offered = {s.course_id for s in shown}
    result = []
    previous_required: int | None = None
    for step in shown:
        row = rows[step.course_id]
        if step.open_from_start:
            waits = None
        elif step.prerequisite_id is not None and step.prerequisite_id != step.course_id:
            # an explicit prerequisite the learner is not offered cannot hold them back
            waits = step.prerequisite_id if step.prerequisite_id in offered else None
        else:
            waits = previous_required
        waits_row = rows.get(waits) if waits is not None else None
        locked = waits_row is not None and not waits_row.completed and row.enrolment is None
        result.append(
            StepRow(
                step=step,
                row=row,
                waits_for=waits_row.course if waits_row is not None else None,
                locked=locked,
            )
        )
        if step.required:
            previous_required = step.course_id
    return PathRow(path=path, steps=result)


def path_rows(membership: Membership, rows: list[CourseRow] | None = None) -> list[PathRow]:
    """Every path the member follows, with their progress (a fixed number of queries). Pass
    the member's `learning_rows` when the page has them already."""
    paths = list(paths_for_learner(membership).order_by("title", "id"))
    if not paths:
        return []
    by_course = {r.course.pk: r for r in (rows if rows is not None else learning_rows(membership))}
    steps = _steps_of(paths)
    certifications: dict[int, list[Certification]] = {}
    for cert in Certification.objects.filter(
        tenant_id=membership.tenant_id,
        path_id__in=[p.pk for p in paths],
        status=Certification.Status.ACTIVE,
    ):
        certifications.setdefault(cert.path_id or 0, []).append(cert)
    built = []
    for path in paths:
        row = build_path(path, steps[path.pk], by_course)
        if row.steps:
            built.append(
                PathRow(path=path, steps=row.steps, certifications=certifications.get(path.pk, []))
            )
    return built


def locks_for(path_list: list[PathRow]) -> dict[int, Course]:
    """The courses locked for the learner, each with the course that unlocks it: locked while
    every path offering it still waits (a course in two paths opens with the first)."""
    waiting: dict[int, Course] = {}
    open_ids: set[int] = set()
    for path in path_list:
        for step in path.steps:
            if step.locked and step.waits_for is not None:
                waiting.setdefault(step.course.pk, step.waits_for)
            else:
                open_ids.add(step.course.pk)
    return {pk: course for pk, course in waiting.items() if pk not in open_ids}


def course_lock(membership: Membership, course: Course) -> Course | None:
    """The course `membership` must pass before starting `course`, or None when it is open."""
    return locks_for(path_rows(membership)).get(course.pk)


def next_course(membership: Membership, course: Course) -> Course | None:
    """The next course the learner can start (or resume) in a path containing `course`: the
    first course after it that they have not passed and is not locked, else the first such
    course anywhere in that path; None when no path containing it has one."""
    for path in path_rows(membership):
        ids = [s.course.pk for s in path.steps]
        if course.pk not in ids:
            continue
        index = ids.index(course.pk)
        candidates = path.steps[index + 1 :] + path.steps[:index]
        for step in candidates:
            if not step.passed and not step.locked:
                return step.course
    return None


def passed_course_ids(membership: Membership) -> set[int]:
    """The courses the member passed (an enrolment completed)."""
    return set(
        Enrolment.objects.filter(
            tenant_id=membership.tenant_id, membership=membership, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )


# Certifications ---------------------------------------------------------------------------


def awards_seen_by(membership: Membership) -> QuerySet[CertificationAward]:
    """The awards a member may see: a partner user their own (a partner admin, their
    company's); staff with `training.view` those of the partners they may see (a CAM: their
    assigned partners)."""
    awards = CertificationAward.objects.filter(tenant_id=membership.tenant_id)
    if membership.is_vendor_staff:
        if not membership.can("training.view"):
            return awards.none()
        return awards.filter(partner__in=visible_partners(membership))
    if membership.partner_id is None or not membership.can("portal.training"):
        return awards.none()
    if membership.can("portal.team.manage"):
        return awards.filter(partner_id=membership.partner_id)
    return awards.filter(membership=membership, partner_id=membership.partner_id)


def awards_of(membership: Membership) -> list[CertificationAward]:
    """The member's own awards, the newest of each certification first (one query)."""
    return list(
        CertificationAward.objects.filter(tenant_id=membership.tenant_id, membership=membership)
        .select_related("certification")
        .order_by("certification__name", "certification_id", "-earned_at", "-id")
    )


@dataclass(frozen=True)
class HeldCertification:
    """A certification as its holder sees it: the latest award, and how to renew."""

    award: CertificationAward
    state: str
    #: within the warning window (30 days) before it expires
    expiring: bool
    #: where to go to earn it again (the path or the course), for an expired one
    renew_url_name: str
    renew_pk: int | None


#: how long before its expiry a certification is shown as expiring
EXPIRING_DAYS = 30


def held_certifications(
    membership: Membership, at: datetime | None = None
) -> list[HeldCertification]:
    """The member's certifications (the latest award of each), with their state (one query)."""
    at = at or timezone.now()
    latest: dict[int, CertificationAward] = {}
    for award in awards_of(membership):
        latest.setdefault(award.certification_id, award)
    held = []
    soon = at + timedelta(days=EXPIRING_DAYS)
    for award in latest.values():
        state = award.state_at(at)
        cert = award.certification
        held.append(
            HeldCertification(
                award=award,
                state=state,
                expiring=state == CertificationAward.State.VALID
                and award.expires_at is not None
                and award.expires_at <= soon,
                renew_url_name="training_paths:path" if cert.path_id else "training:course",
                renew_pk=cert.path_id or cert.course_id,
            )
        )
    return sorted(held, key=lambda h: (h.state != "valid", h.award.certification.name))


def expiring_awards(membership: Membership, at: datetime | None = None) -> list[HeldCertification]:
    """The member's valid certifications that expire within `EXPIRING_DAYS` (the home card)."""
    return [h for h in held_certifications(membership, at) if h.expiring]


def partner_certifications(partner: Partner, membership: Membership, limit: int) -> list[Any]:
    """The partner's users' latest awards with their state, for the partner page (one query;
    a CAM sees only their assigned partners')."""
    now = timezone.now()
    awards = (
        CertificationAward.objects.filter(
            tenant_id=partner.tenant_id,
            partner=partner,
            partner__in=visible_partners(membership),
        )
        .select_related("certification", "membership__user")
        .order_by("-earned_at", "-id")[:limit]
    )
    soon = now + timedelta(days=EXPIRING_DAYS)
    return [
        {
            "award": a,
            "state": a.state_at(now),
            "expiring": a.expires_at is not None and now < a.expires_at <= soon,
        }
        for a in awards
    ]


def award_by_code(tenant_id: int, code: str) -> CertificationAward | None:
    """The award a verification code names on this tenant's host (one indexed query)."""
    return (
        CertificationAward.objects.filter(tenant_id=tenant_id, code=code)
        .select_related("certification", "partner", "membership__user")
        .first()
    )
