"""Training benchmark data for the bench tenant: segments, courses with published versions,
enrolments and module completions (loaded with COPY like the rest of the bench).

At M: 200 courses of 4 to 8 modules, about 300k enrolments of the partners' users (about 29
each, popular courses more often), each finished, under way or just started. A course targets
every partner (60%) or one or two segments; a member is only enrolled in courses that target
their partner, as the portal allows. The bench rep takes a realistic load of their own.

`load_training` runs at the end of `generate` and, on a database that already holds the deals
bench (`python -m bench generate-training`), on its own.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from partners.models import Partner, PartnerType, Segment
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role
from training.models import (
    Course,
    CourseVersion,
    Enrolment,
    ModuleCompletion,
    ModuleKind,
    VersionModule,
)
from training.models import Module as DraftModule

from . import names
from .bulk import copy_rows, reserve_ids
from .generate import BENCH_REP, BENCH_SLUG, log


@dataclass(frozen=True)
class TrainingSpec:
    courses: int
    #: enrolments per partner user, on average
    per_member: int


TRAINING: dict[str, TrainingSpec] = {
    "S": TrainingSpec(courses=40, per_member=8),
    "M": TrainingSpec(courses=200, per_member=29),
    "L": TrainingSpec(courses=200, per_member=29),
}
#: the bench rep's own learning: this many enrolments, whatever the scale
REP_ENROLMENTS = 24

SUBJECTS = (
    "Selling",
    "Positioning",
    "Deploying",
    "Securing",
    "Pricing",
    "Migrating to",
    "Supporting",
    "Demonstrating",
    "Integrating",
    "Operating",
)
LEVELS = ("foundations", "essentials", "in practice", "advanced", "for architects")
BODY = "<p>" + "Partners learn the product, the customer and the process. " * 12 + "</p>"


@dataclass
class Segments:
    ids: list[int]
    #: segment id -> partner ids in it
    members: dict[int, set[int]]


def _segments(tenant: Tenant, rng: random.Random) -> Segments:
    """Ten segments by partner type and region, and which partners fall in each."""
    types = list(PartnerType.objects.filter(tenant=tenant).values_list("id", "name"))
    regions = ["na", "emea", "apac", "latam"]
    partners = list(
        Partner.objects.filter(tenant=tenant).values_list("id", "partner_type_id", "region")
    )
    specs: list[tuple[str, list[int], list[str]]] = []
    for type_id, type_name in types:
        specs.append((f"{type_name} partners", [type_id], []))
    for region in regions:
        specs.append((f"Partners in {region.upper()}", [], [region]))
    for type_id, type_name in types[:2]:
        specs.append((f"{type_name} partners in EMEA", [type_id], ["emea"]))
    created = Segment.objects.bulk_create(
        Segment(tenant=tenant, name=name, regions=regs) for name, _t, regs in specs
    )
    through = Segment.partner_types.through
    through.objects.bulk_create(
        through(segment_id=segment.pk, partnertype_id=type_id)
        for segment, (_n, type_ids, _r) in zip(created, specs, strict=True)
        for type_id in type_ids
    )
    members: dict[int, set[int]] = {}
    for segment, (_n, type_ids, regs) in zip(created, specs, strict=True):
        members[segment.pk] = {
            pid
            for pid, type_id, region in partners
            if (not type_ids or type_id in type_ids) and (not regs or region in regs)
        }
    return Segments([s.pk for s in created], members)


def _module_rows(rng: random.Random, tenant_id: int, n: int) -> list[dict[str, Any]]:
    rows = []
    for position in range(n):
        kind = rng.choice((ModuleKind.TEXT, ModuleKind.TEXT, ModuleKind.VIDEO, ModuleKind.FILE))
        row: dict[str, Any] = {
            "tenant_id": tenant_id,
            "title": f"{rng.choice(SUBJECTS)} {names.word(rng)}",
            "kind": kind,
            "minutes": rng.choice((5, 8, 10, 12, 15, 20)),
            "position": position,
        }
        if kind == ModuleKind.TEXT:
            row["body_html"] = BODY
        elif kind == ModuleKind.VIDEO:
            row["video_url"] = f"https://www.youtube.com/watch?v={names.word(rng)[:11]:x<11}"
        else:
            row.update(
                file=f"training/{tenant_id}/bench/{position}.pdf",
                file_name="guide.pdf",
                content_type="application/pdf",
                size=rng.randint(50_000, 4_000_000),
            )
        rows.append(row)
    return rows


@dataclass
class Courses:
    #: course id -> (current version id, [its version module ids], minutes of each)
    current: dict[int, tuple[int, list[int], list[int]]]
    #: course id -> the segment ids it targets (empty: every partner)
    targets: dict[int, list[int]]


def _courses(
    tenant: Tenant, rng: random.Random, spec: TrainingSpec, segments: Segments, author: int
) -> Courses:
    """The courses, their drafts' modules and one published version each (a fifth also have
    an older version that early learners still take)."""
    now = timezone.now()
    first_course = reserve_ids(Course, spec.courses)
    course_ids = list(range(first_course, first_course + spec.courses))
    titles: set[str] = set()
    course_rows, version_rows, draft_rows, vmodule_rows, target_rows = [], [], [], [], []
    current: dict[int, tuple[int, list[int], list[int]]] = {}
    targets: dict[int, list[int]] = {}
    next_version = reserve_ids(CourseVersion, spec.courses * 2)
    next_draft = reserve_ids(DraftModule, spec.courses * 8)
    next_vmodule = reserve_ids(VersionModule, spec.courses * 16)
    for course_id in course_ids:
        while (title := f"{rng.choice(SUBJECTS)} {names.word(rng)} {rng.choice(LEVELS)}") in titles:
            pass
        titles.add(title)
        modules = _module_rows(rng, tenant.pk, rng.randint(4, 8))
        minutes = [m["minutes"] for m in modules]
        versions = 2 if rng.random() < 0.2 else 1
        published = now - timedelta(days=rng.randint(100, 700))
        for number in range(1, versions + 1):
            version_id = next_version
            next_version += 1
            version_rows.append(
                {
                    "id": version_id,
                    "tenant_id": tenant.pk,
                    "course_id": course_id,
                    "number": number,
                    "title": title,
                    "summary": f"What every partner needs to know: {title.lower()}.",
                    "estimated_minutes": sum(minutes),
                    "module_count": len(modules),
                    "module_minutes": sum(minutes),
                    "published_at": published + timedelta(days=60 * (number - 1)),
                    "published_by_id": author,
                }
            )
            vm_ids = []
            for m in modules:
                vmodule_rows.append(
                    {**m, "id": next_vmodule, "version_id": version_id, "source_id": None}
                )
                vm_ids.append(next_vmodule)
                next_vmodule += 1
        current[course_id] = (version_id, vm_ids, minutes)
        for m in modules:
            draft_rows.append({**m, "id": next_draft, "course_id": course_id})
            next_draft += 1
        course_targets = (
            [] if rng.random() < 0.6 else rng.sample(segments.ids, rng.choice((1, 1, 2)))
        )
        targets[course_id] = course_targets
        target_rows += [{"course_id": course_id, "segment_id": s} for s in course_targets]
        course_rows.append(
            {
                "id": course_id,
                "tenant_id": tenant.pk,
                "title": title,
                "summary": f"What every partner needs to know: {title.lower()}.",
                "estimated_minutes": sum(minutes),
                "status": Course.Status.PUBLISHED,
                "current_version_id": None,  # set below, once the versions exist
                "has_changes": False,
                "created_at": published,
            }
        )
    copy_rows(Course, course_rows)
    copy_rows(CourseVersion, version_rows)
    copy_rows(DraftModule, draft_rows)
    copy_rows(VersionModule, vmodule_rows)
    copy_rows(Course.segments.through, target_rows, with_id=False)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE training_course SET current_version_id = %s WHERE id = %s",
            [(version_id, course_id) for course_id, (version_id, _m, _n) in current.items()],
        )
    return Courses(current, targets)


def _enrolments(
    tenant: Tenant,
    rng: random.Random,
    spec: TrainingSpec,
    segments: Segments,
    courses: Courses,
) -> dict[str, int]:
    """Every partner user's enrolments in courses that target their partner; completions
    for the modules each has done (in order, as the player makes them)."""
    now = timezone.now()
    members = list(
        Membership.objects.filter(
            tenant=tenant, partner__isnull=False, role__in=[Role.PARTNER_REP, Role.PARTNER_ADMIN]
        ).values_list("id", "partner_id", "user__email")
    )
    segments_of: dict[int, set[int]] = {}
    for segment_id, partner_ids in segments.members.items():
        for pid in partner_ids:
            segments_of.setdefault(pid, set()).add(segment_id)
    course_ids = list(courses.current)
    weights = [1.0 / (i + 1) ** 0.6 for i in range(len(course_ids))]
    counts = {"enrolments": 0, "completions": 0}
    first = reserve_ids(Enrolment, len(members) * (spec.per_member * 2 + REP_ENROLMENTS))
    enrolment_rows: list[dict[str, Any]] = []
    completion_rows: list[dict[str, Any]] = []

    def flush() -> None:
        copy_rows(Enrolment, enrolment_rows)
        copy_rows(ModuleCompletion, completion_rows, with_id=False)
        enrolment_rows.clear()
        completion_rows.clear()

    next_id = first
    for member_id, partner_id, email in members:
        mine = segments_of.get(partner_id, set())
        open_to = [
            (c, w)
            for c, w in zip(course_ids, weights, strict=True)
            if not courses.targets[c] or mine.intersection(courses.targets[c])
        ]
        want = REP_ENROLMENTS if email == BENCH_REP else rng.randint(0, spec.per_member * 2)
        chosen: set[int] = set()
        while len(chosen) < min(want, len(open_to)):
            chosen.update(rng.choices([c for c, _w in open_to], [w for _c, w in open_to], k=want))
        for course_id in list(chosen)[:want]:
            version_id, vm_ids, minutes = courses.current[course_id]
            started = now - timedelta(minutes=rng.randint(60, 400 * 24 * 60))
            roll = rng.random()
            done = (
                len(vm_ids) if roll < 0.45 else 0 if roll < 0.6 else rng.randint(1, len(vm_ids) - 1)
            )
            touched = started
            for k in range(done):
                touched = touched + timedelta(minutes=rng.randint(5, 3 * 24 * 60))
                completion_rows.append(
                    {
                        "tenant_id": tenant.pk,
                        "enrolment_id": next_id,
                        "module_id": vm_ids[k],
                        "completed_at": touched,
                    }
                )
            enrolment_rows.append(
                {
                    "id": next_id,
                    "tenant_id": tenant.pk,
                    "course_id": course_id,
                    "version_id": version_id,
                    "membership_id": member_id,
                    "started_at": started,
                    "last_module_id": vm_ids[max(0, done - 1)],
                    "completed_modules": done,
                    "minutes_done": sum(minutes[:done]),
                    "completed_at": touched if done == len(vm_ids) else None,
                    "updated_at": touched,
                }
            )
            counts["completions"] += done
            counts["enrolments"] += 1
            next_id += 1
        if len(enrolment_rows) > 20_000:
            flush()
    flush()
    return counts


def load_training(tenant: Tenant, scale: str, seed: int) -> dict[str, int]:
    """The bench tenant's training (see the module docstring); returns what was loaded."""
    spec = TRAINING[scale]
    rng = random.Random(f"{seed}:{tenant.slug}:training")
    author = (
        Membership.objects.filter(tenant=tenant, role=Role.PROGRAM_LEADER)
        .values_list("id", flat=True)
        .first()
    )
    segments = _segments(tenant, rng)
    courses = _courses(tenant, rng, spec, segments, author)
    counts = _enrolments(tenant, rng, spec, segments, courses)
    return {"segments": len(segments.ids), "courses": len(courses.current), **counts}


def generate_training(scale: str, seed: int = 20240601) -> None:
    """Add the training data to a database that already holds the deals bench."""
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
        if Course.objects.filter(tenant=tenant).exists():
            raise SystemExit("generate: the bench tenant already has courses")
        started = time.monotonic()
        with transaction.atomic():
            got = load_training(tenant, scale, seed)
        loaded = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"training: {got} in {loaded:.1f} s")
