"""Training benchmark data for the bench tenant: segments, courses with published versions,
enrolments and module completions, learning paths with certifications and awards, a course with
a 20-question quiz, and the content library (loaded with COPY like the rest of the bench).

At M: 200 courses of 4 to 8 modules, about 300k enrolments of the partners' users (about 29
each, popular courses more often), each finished, under way or just started. A course targets
every partner (60%) or one or two segments; a member is only enrolled in courses that target
their partner, as the portal allows. The bench rep takes a realistic load of their own.

Beside them: 50 learning paths of 3 to 6 of those courses (85% for one or two segments, the
rest for every partner), each with a certification held by about 1 learner in 12 (a tenth of
the awards expired); "Bench quiz", a course for every partner with a 20-question quiz
(published through the services, so its version is what the portal serves); and 10k library
assets (files and links, tagged, a third targeted at segments, a few featured), their search
vectors computed once after the load.

`load_training` runs at the end of `generate` and, on a database that already holds the deals
bench (`python -m bench generate-training`), on its own: then each part is loaded only if the
bench tenant has none of it yet.
"""

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from deals.models import Product
from partners.models import Partner, PartnerType, Segment
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role
from training.library.services import asset_search_refresh
from training.models import (
    Asset,
    AssetType,
    Certification,
    CertificationAward,
    Choice,
    Course,
    CourseVersion,
    Enrolment,
    LearningPath,
    ModuleCompletion,
    ModuleKind,
    PathCourse,
    Question,
    QuestionKind,
    VersionModule,
    verification_code,
)
from training.models import Module as DraftModule
from training.services import course_publish

from . import names
from .bulk import copy_rows, reserve_ids
from .generate import BENCH_REP, BENCH_SLUG, log


@dataclass(frozen=True)
class TrainingSpec:
    courses: int
    #: enrolments per partner user, on average
    per_member: int

    paths: int
    assets: int


TRAINING: dict[str, TrainingSpec] = {
    "S": TrainingSpec(courses=40, per_member=8, paths=10, assets=1_000),
    "M": TrainingSpec(courses=200, per_member=29, paths=50, assets=10_000),
    "L": TrainingSpec(courses=200, per_member=29, paths=50, assets=10_000),
}
#: the course whose 20-question quiz the bench submits
QUIZ_COURSE = "Bench quiz"
QUIZ_QUESTIONS = 20
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


def _paths(
    tenant: Tenant, rng: random.Random, spec: TrainingSpec, segments: Segments, courses: Courses
) -> dict[str, int]:
    """Published paths of 3 to 6 courses (the first required, then mostly required), each
    earning a certification; awards for the learners who passed every course of the path."""
    now = timezone.now()
    course_ids = list(courses.current)
    paths = LearningPath.objects.bulk_create(
        LearningPath(
            tenant=tenant,
            title=f"{rng.choice(SUBJECTS)} {names.word(rng)} path {i + 1}",
            summary="Courses in the order they build on each other.",
            status=LearningPath.Status.PUBLISHED,
            published_at=now - timedelta(days=rng.randint(30, 400)),
        )
        for i in range(spec.paths)
    )
    steps, targets = [], []
    path_courses: dict[int, list[int]] = {}
    for path in paths:
        chosen = rng.sample(course_ids, rng.randint(3, 6))
        path_courses[path.pk] = chosen
        for position, course_id in enumerate(chosen):
            steps.append(
                PathCourse(
                    tenant=tenant,
                    path=path,
                    course_id=course_id,
                    position=position,
                    required=position == 0 or rng.random() < 0.8,
                )
            )
        # Paths are made per segment ("Technical certification" for integrators); a few,
        # such as onboarding basics, are for every partner.
        if rng.random() >= 0.15:
            targets += [
                LearningPath.segments.through(learningpath_id=path.pk, segment_id=s)
                for s in rng.sample(segments.ids, rng.choice((1, 1, 2)))
            ]
    PathCourse.objects.bulk_create(steps)
    LearningPath.segments.through.objects.bulk_create(targets)
    certifications = Certification.objects.bulk_create(
        Certification(
            tenant=tenant,
            name=f"Certified in {path.title}",
            path=path,
            validity_months=rng.choice((12, 24, 36)),
        )
        for path in paths
    )
    members = list(
        Membership.objects.filter(
            tenant=tenant, partner__isnull=False, role__in=[Role.PARTNER_REP, Role.PARTNER_ADMIN]
        ).values_list("id", "partner_id")
    )

    def award_rows() -> Iterator[dict[str, Any]]:
        for member_id, partner_id in members:
            if rng.random() >= 1 / 12:
                continue
            for certification in rng.sample(certifications, rng.choice((1, 1, 2))):
                earned = now - timedelta(days=rng.randint(10, 800))
                months = certification.validity_months
                expires = earned + timedelta(days=30 * months)
                if rng.random() < 0.1:  # lapsed
                    expires = now - timedelta(days=rng.randint(1, 200))
                yield {
                    "tenant_id": tenant.pk,
                    "certification_id": certification.pk,
                    "membership_id": member_id,
                    "partner_id": partner_id,
                    "earned_at": earned,
                    "expires_at": expires,
                    "code": verification_code(),
                }

    awards = copy_rows(CertificationAward, award_rows(), with_id=False)
    return {"paths": len(paths), "path_steps": len(steps), "awards": awards}


def _quiz_course(tenant: Tenant, rng: random.Random) -> dict[str, int]:
    """ "Bench quiz": a reading and a 20-question quiz (single, multiple and true/false; 70% to
    pass, no attempts limit and no wait, so the bench can submit it again and again), for
    every partner, published by the bench's program leader through the service."""
    leader = Membership.objects.select_related("tenant", "user").get(
        tenant=tenant, role=Role.PROGRAM_LEADER
    )
    with scope(tenant=tenant):
        course = Course.objects.create(
            tenant=tenant, title=QUIZ_COURSE, summary="Read, then prove it.", estimated_minutes=25
        )
        DraftModule.objects.create(
            tenant=tenant, course=course, position=0, title="Read first", kind=ModuleKind.TEXT,
            body_html=BODY, minutes=5,
        )  # fmt: skip
        quiz = DraftModule.objects.create(
            tenant=tenant, course=course, position=1, title="Check yourself",
            kind=ModuleKind.QUIZ, minutes=20, pass_mark=70, attempts_limit=0, wait_minutes=0,
        )  # fmt: skip
        kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE]
        for position in range(QUIZ_QUESTIONS):
            kind = kinds[position % 3]
            question = Question.objects.create(
                tenant=tenant, module=quiz, kind=kind, position=position,
                text=f"Question {position + 1}: which statement about {names.word(rng)} holds?",
            )  # fmt: skip
            if kind == QuestionKind.TRUE_FALSE:
                texts, right = ["True", "False"], {rng.randint(0, 1)}
            else:
                texts = [f"Answer {names.word(rng)}" for _ in range(4)]
                right = {rng.randint(0, 3)}
                if kind == QuestionKind.MULTIPLE:
                    right.add((min(right) + 2) % 4)
            Choice.objects.bulk_create(
                Choice(
                    tenant=tenant, question=question, text=text, position=i, is_correct=i in right
                )
                for i, text in enumerate(texts)
            )
        course_publish(actor=leader, course=course)
    return {"quiz_questions": QUIZ_QUESTIONS}


ASSET_WORDS = (
    "playbook", "pricing", "migration", "security", "competitive", "onboarding", "renewal",
    "cloud", "edge", "retail", "healthcare", "finance", "partner", "channel", "launch",
)  # fmt: skip


def _assets(
    tenant: Tenant, rng: random.Random, spec: TrainingSpec, segments: Segments
) -> dict[str, int]:
    """The content library: files and links of every type, tagged by industry, partner type,
    region and product; a third for one or two segments, 2% featured, 5% drafts."""
    now = timezone.now()
    types = list(PartnerType.objects.filter(tenant=tenant).values_list("id", flat=True))
    # product tags name the vendor's products (the deals bench's price list)
    products = list(Product.objects.filter(tenant=tenant).values_list("name", flat=True))
    regions = ["na", "emea", "apac", "latam"]
    industries = ["software", "finance", "healthcare", "retail", "other"]
    kinds = [t.value for t in AssetType]
    first = reserve_ids(Asset, spec.assets)
    rows, targets = [], []
    for i in range(spec.assets):
        asset_id = first + i
        words = rng.sample(ASSET_WORDS, 3)
        kind = rng.choice(kinds)
        tags = [f"industry:{rng.choice(industries)}", f"region:{rng.choice(regions)}"]
        if types and rng.random() < 0.5:
            tags.append(f"type:{rng.choice(types)}")
        if products and rng.random() < 0.3:
            tags.append(f"product:{rng.choice(products)}")
        row: dict[str, Any] = {
            "id": asset_id,
            "tenant_id": tenant.pk,
            "title": f"{words[0].title()} {words[1]} {names.word(rng)} {i}",
            "description": f"For partners selling {words[2]} and {names.word(rng)}. " * 3,
            "type": kind,
            "tags": tags,
            "tag_words": " ".join(t.split(":", 1)[1] for t in tags),
            "featured": rng.random() < 0.02,
            "status": Asset.Status.DRAFT if rng.random() < 0.05 else Asset.Status.PUBLISHED,
            "review_by": (now + timedelta(days=rng.randint(-60, 400))).date(),
            "created_at": now - timedelta(days=rng.randint(1, 700)),
            "updated_at": now - timedelta(days=rng.randint(0, 300)),
        }
        if rng.random() < 0.7:
            row.update(
                file=f"library/{tenant.pk}/bench/{asset_id}.pdf",
                file_name=f"{words[0]}-{i}.pdf",
                content_type="application/pdf",
                size=rng.randint(40_000, 8_000_000),
            )
        else:
            row["link"] = f"https://www.example.com/{words[0]}/{asset_id}"
        rows.append(row)
        if rng.random() < 0.33:
            targets += [
                {"asset_id": asset_id, "segment_id": s}
                for s in rng.sample(segments.ids, rng.choice((1, 1, 2)))
            ]
    copy_rows(Asset, rows)
    copy_rows(Asset.segments.through, targets, with_id=False)
    asset_search_refresh(Asset.objects.filter(tenant=tenant))
    return {"assets": spec.assets, "asset_targets": len(targets)}


def _existing_segments(tenant: Tenant) -> Segments:
    """The segments an earlier load made, with their partners (as `_segments` computed them)."""
    found = list(Segment.objects.filter(tenant=tenant).prefetch_related("partner_types"))
    partners = list(
        Partner.objects.filter(tenant=tenant).values_list("id", "partner_type_id", "region")
    )
    members: dict[int, set[int]] = {}
    for segment in found:
        type_ids = {t.pk for t in segment.partner_types.all()}
        members[segment.pk] = {
            pid
            for pid, type_id, region in partners
            if (not type_ids or type_id in type_ids)
            and (not segment.regions or region in segment.regions)
        }
    return Segments([s.pk for s in found], members)


def _existing_courses(tenant: Tenant) -> Courses:
    current: dict[int, tuple[int, list[int], list[int]]] = {}
    targets: dict[int, list[int]] = {}
    for course in Course.objects.filter(tenant=tenant).exclude(title=QUIZ_COURSE):
        modules = list(
            VersionModule.objects.filter(version_id=course.current_version_id).values_list(
                "id", "minutes"
            )
        )
        current[course.pk] = (
            course.current_version_id,
            [m for m, _n in modules],
            [n for _m, n in modules],
        )
        targets[course.pk] = list(course.segments.values_list("id", flat=True))
    return Courses(current, targets)


def load_training(tenant: Tenant, scale: str, seed: int) -> dict[str, int]:
    """The bench tenant's training (see the module docstring): the parts it does not have yet;
    returns what was loaded."""
    spec = TRAINING[scale]
    rng = random.Random(f"{seed}:{tenant.slug}:training")
    author = (
        Membership.objects.filter(tenant=tenant, role=Role.PROGRAM_LEADER)
        .values_list("id", flat=True)
        .first()
    )
    got: dict[str, int] = {}
    if not Course.objects.filter(tenant=tenant).exists():
        segments = _segments(tenant, rng)
        courses = _courses(tenant, rng, spec, segments, author)
        got |= {"segments": len(segments.ids), "courses": len(courses.current)}
        got |= _enrolments(tenant, rng, spec, segments, courses)
    else:
        segments, courses = _existing_segments(tenant), _existing_courses(tenant)
    if not LearningPath.objects.filter(tenant=tenant).exists():
        got |= _paths(tenant, rng, spec, segments, courses)
    if not Course.objects.filter(tenant=tenant, title=QUIZ_COURSE).exists():
        got |= _quiz_course(tenant, rng)
    if not Asset.objects.filter(tenant=tenant).exists():
        got |= _assets(tenant, rng, spec, segments)
    return got


def generate_training(scale: str, seed: int = 20240601) -> None:
    """Add the training data (the parts it lacks) to a database holding the deals bench."""
    # Loading writes the bench tenant's rows before any request: no scope exists yet.
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
        started = time.monotonic()
        with transaction.atomic():
            got = load_training(tenant, scale, seed)
        loaded = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"training: {got or 'nothing missing'} in {loaded:.1f} s")
