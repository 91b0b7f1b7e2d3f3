"""Completion figures of courses, per course, per tier and per partner, computed in SQL.

What the numbers mean (the report page says the same to its readers):

- **Learners targeted**: active partner users who may take training (`portal.training`), of
  partners the course targets now (`training.selectors.targets_partner`'s rule, written here on
  partner rows: no segment named, or one the partner is in).
- **Started**: enrolments (a learner pressed Start) within the filters, whoever the learner
  is now; **passed**: those of them completed (every module done, every quiz passed);
  **in progress**: started and not passed.
- **Pass rate** = passed ÷ started: how many who begin finish.
- **Reach** = passed ÷ targeted, where the passes counted are those of learners who are still
  targeted and active (a learner who left, or a partner that left the course's segments, no
  longer counts on either side), so reach never exceeds 100 %.
- **Median days to pass**: the median time from starting to passing of the passed enrolments.

Every filter (course, tier, segment, CAM, partner, period of start) and the member's own reach
(a CAM: the partners assigned to them, `prm.tenancy.partner_access`) is one filter on partner
rows (`partner_scope`), applied to memberships and enrolments through their partner. Each read
is a fixed number of aggregate queries, whatever the number of courses, partners or enrolments;
`course_completion` is the report of one course over the tenant that `bench/` times.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import (
    Aggregate,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from partners.models import Partner, Segment, Tier
from partners.segments.selectors import segment_q
from prm.tenancy.capabilities import role_has
from prm.tenancy.models import Membership
from prm.tenancy.partner_access import assigned_partner_ids, visible_partners
from prm.tenancy.roles import PARTNER_ROLES

from ..models import Course, Enrolment

DAY_SECONDS = 86400


class Median(Aggregate):
    """PostgreSQL's median of an expression (`percentile_cont(0.5)`); FILTER works as usual."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _seconds_to_pass() -> Func:
    """Seconds from an enrolment's start to its completion (NULL while not completed)."""
    return Func(
        F("completed_at"),
        F("started_at"),
        template="EXTRACT(EPOCH FROM (%(expressions)s))",
        arg_joiner=" - ",
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class ReportFilters:
    """What the report is narrowed to (every field optional)."""

    course_id: int | None = None
    tier_id: int | None = None
    #: with its partner types prefetched (`segment_q` reads them)
    segment: Segment | None = None
    cam: Membership | None = None
    partner_id: int | None = None
    started_from: date | None = None
    started_to: date | None = None


def learner_roles() -> list[str]:
    """The partner roles that take training."""
    return sorted(r for r in PARTNER_ROLES if role_has(r, "portal.training"))


def on(q: Q, prefix: str) -> Q:
    """The same filter, written for rows reaching the partner through `prefix`
    (`"partner__"` for memberships, `"membership__partner__"` for enrolments)."""
    moved = Q()
    moved.connector, moved.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            moved.children.append(on(child, prefix))
        else:
            key, value = cast(tuple[str, Any], child)
            moved.children.append((prefix + key, value))
    return moved


def partner_scope(membership: Membership, filters: ReportFilters) -> Q:
    """The partners the report counts: those the member sees, narrowed by the filters."""
    scope = Q(tenant_id=membership.tenant_id)
    if not membership.can("partners.view_all"):
        scope &= Q(pk__in=visible_partners(membership).values("pk"))
    if filters.tier_id is not None:
        scope &= Q(tier_id=filters.tier_id)
    if filters.segment is not None:
        scope &= segment_q(filters.segment, {t.pk for t in filters.segment.partner_types.all()})
    if filters.cam is not None:
        scope &= Q(pk__in=assigned_partner_ids(filters.cam))
    if filters.partner_id is not None:
        scope &= Q(pk=filters.partner_id)
    return scope


def targeting(course: Course) -> Q:
    """The partners `course` targets, as a filter on partners (the course's segments and their
    partner types prefetched: no query)."""
    rules = []
    for segment in course.segments.all():
        rule = segment_q(segment, {t.pk for t in segment.partner_types.all()})
        if not rule:
            return Q()  # a segment without criteria holds every partner
        rules.append(rule)
    if not rules:
        return Q()
    combined = rules[0]
    for rule in rules[1:]:
        combined |= rule
    return combined


def _learners(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}partner__isnull": False,
            f"{prefix}role__in": learner_roles(),
        }
    )


def _period(filters: ReportFilters, prefix: str = "") -> Q:
    period = Q()
    if filters.started_from is not None:
        period &= Q(**{f"{prefix}started_at__date__gte": filters.started_from})
    if filters.started_to is not None:
        period &= Q(**{f"{prefix}started_at__date__lte": filters.started_to})
    return period


def _passed_by_member(course_id: Any, filters: ReportFilters) -> Exists:
    """The outer membership passed the course (started within the period)."""
    return Exists(
        Enrolment.objects.filter(
            membership_id=OuterRef("pk"), course_id=course_id, completed_at__isnull=False
        ).filter(_period(filters))
    )


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Completion:
    """The figures of one row of the report (see the module docstring)."""

    targeted: int | None = 0  # None where "targeted" does not apply (several courses)
    started: int = 0
    passed: int = 0
    reached: int = 0  # passes by learners targeted now
    median_seconds: float | None = None

    @property
    def in_progress(self) -> int:
        return self.started - self.passed

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.passed, self.started)

    @property
    def reach(self) -> Decimal | None:
        return percent(self.reached, self.targeted) if self.targeted is not None else None

    @property
    def median_days(self) -> Decimal | None:
        if self.median_seconds is None:
            return None
        return (Decimal(self.median_seconds) / DAY_SECONDS).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class CourseCompletion(Completion):
    course: Course | None = None


@dataclass
class TierCompletion(Completion):
    tier: Tier | None = None  # None: partners without a tier
    partners: list[int] = field(default_factory=list)


#: the course list's sorts: key -> ordering (ties by title)
COURSE_SORTS = {
    "title": "title",
    "started": "n_started",
    "passed": "n_passed",
    "rate": "pass_rate",
    "median": "median_seconds",
}

#: the partner list's sorts
PARTNER_SORTS = {
    "name": "name",
    "tier": "tier__rank",
    "targeted": "n_targeted",
    "started": "n_started",
    "passed": "n_passed",
    "rate": "pass_rate",
    "reach": "reach",
}


def _ordering(sorts: dict[str, str], sort: str, tie: str) -> list[Any]:
    """`sort` ("started" ascending, "-started" descending) as an ordering; empty ones last."""
    descending = sort.startswith("-")
    key = sorts.get(sort.lstrip("-"))
    if key is None:
        return [tie, "id"]
    expression = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
    return [expression, tie, "id"]


def _rate(passed: str, started: str) -> Any:
    return Case(
        When(**{f"{started}__gt": 0}, then=F(passed) * 100.0 / F(started)),
        default=None,
        output_field=FloatField(),
    )


def reported_courses(
    membership: Membership, filters: ReportFilters, sort: str = ""
) -> QuerySet[Course]:
    """The courses the report lists (published at least once), each annotated with the
    enrolments started within the filters (`n_started`), passed (`n_passed`), the pass rate
    and the median seconds to pass, their segments prefetched: three queries (and one to
    count, when paginated)."""
    enrolments = on(partner_scope(membership, filters), "enrolments__membership__partner__") & on(
        _period(filters), "enrolments__"
    )
    courses = Course.objects.filter(
        tenant_id=membership.tenant_id, current_version__isnull=False
    ).select_related("current_version")
    if filters.course_id is not None:
        courses = courses.filter(pk=filters.course_id)
    seconds = Func(
        F("enrolments__completed_at"),
        F("enrolments__started_at"),
        template="EXTRACT(EPOCH FROM (%(expressions)s))",
        arg_joiner=" - ",
        output_field=FloatField(),
    )
    return (
        courses.annotate(
            n_started=Count("enrolments", filter=enrolments),
            n_passed=Count(
                "enrolments", filter=enrolments & Q(enrolments__completed_at__isnull=False)
            ),
            median_seconds=Median(
                seconds, filter=enrolments & Q(enrolments__completed_at__isnull=False)
            ),
        )
        .annotate(pass_rate=_rate("n_passed", "n_started"))
        .order_by(*_ordering(COURSE_SORTS, sort, "title"))
        .prefetch_related("segments__partner_types")
    )


def course_rows(
    membership: Membership, filters: ReportFilters, courses: list[Course]
) -> list[CourseCompletion]:
    """The report's rows for `courses` (from `reported_courses`): their targeted learners and
    the passes among them, in one aggregate over memberships (one filtered count per course)."""
    if not courses:
        return []
    counts = Membership.objects.filter(
        Q(tenant_id=membership.tenant_id)
        & _learners()
        & on(partner_scope(membership, filters), "partner__")
    ).aggregate(
        **{
            name: aggregate
            for course in courses
            for name, aggregate in (
                (f"t{course.pk}", Count("id", filter=on(targeting(course), "partner__"))),
                (
                    f"r{course.pk}",
                    Count(
                        "id",
                        filter=on(targeting(course), "partner__")
                        & Q(_passed_by_member(course.pk, filters)),
                    ),
                ),
            )
        }
    )
    rows = []
    for course in courses:
        annotated: Any = course  # reported_courses' annotations
        rows.append(
            CourseCompletion(
                course=course,
                targeted=counts[f"t{course.pk}"],
                started=annotated.n_started,
                passed=annotated.n_passed,
                reached=counts[f"r{course.pk}"],
                median_seconds=annotated.median_seconds,
            )
        )
    return rows


def course_completion(
    membership: Membership, course: Course, filters: ReportFilters | None = None
) -> CourseCompletion:
    """The totals of one course over the partners the member sees (the figure `bench/` times
    as "the completion report of one course over the tenant"): four queries."""
    filters = filters or ReportFilters()
    filters = ReportFilters(**{**filters.__dict__, "course_id": course.pk})
    found = list(reported_courses(membership, filters))
    if not found:  # never published, or another tenant's
        return CourseCompletion(course=course)
    return course_rows(membership, filters, found)[0]


def tier_rows(
    membership: Membership, filters: ReportFilters, course: Course | None = None
) -> list[TierCompletion]:
    """Completion per tier (the partner's current tier; partners without one last), of one
    course or (without `course`) of every course, where "targeted" then does not apply.
    Three queries with a course, two without; tiers without any figure are left out."""
    if course is not None and course.tenant_id != membership.tenant_id:
        return []
    scope = partner_scope(membership, filters)
    enrolments = Enrolment.objects.filter(
        Q(tenant_id=membership.tenant_id) & on(scope, "membership__partner__") & _period(filters)
    )
    if course is not None:
        enrolments = enrolments.filter(course=course)
    elif filters.course_id is not None:
        enrolments = enrolments.filter(course_id=filters.course_id)
    done = Q(completed_at__isnull=False)
    started = {
        row["membership__partner__tier"]: row
        for row in enrolments.order_by()
        .values("membership__partner__tier")
        .annotate(
            started=Count("id"),
            passed=Count("id", filter=done),
            median=Median(_seconds_to_pass(), filter=done),
        )
    }
    targeted: dict[int | None, dict[str, int]] = {}
    if course is not None:
        target = on(targeting(course), "partner__")
        targeted = {
            row["partner__tier"]: row
            for row in Membership.objects.filter(
                Q(tenant_id=membership.tenant_id) & _learners() & on(scope, "partner__") & target
            )
            .order_by()
            .values("partner__tier")
            .annotate(
                targeted=Count("id"),
                reached=Count("id", filter=Q(_passed_by_member(course.pk, filters))),
            )
        }
    tiers: list[Tier | None] = [
        *Tier.objects.filter(tenant_id=membership.tenant_id).order_by("-rank", "name"),
        None,
    ]
    rows = []
    for tier in tiers:
        key = tier.pk if tier is not None else None
        s, t = started.get(key), targeted.get(key)
        if s is None and t is None:
            continue
        rows.append(
            TierCompletion(
                tier=tier,
                targeted=(t or {}).get("targeted", 0) if course is not None else None,
                started=(s or {}).get("started", 0),
                passed=(s or {}).get("passed", 0),
                reached=(t or {}).get("reached", 0),
                median_seconds=(s or {}).get("median"),
            )
        )
    return rows


def _count(queryset: QuerySet[Any], field_name: str) -> Coalesce:
    """A per-partner count as a subquery (no join that would multiply other counts)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(field_name).annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def partner_rows(
    membership: Membership, filters: ReportFilters, course: Course, sort: str = ""
) -> QuerySet[Partner]:
    """One course's figures per partner: every partner the member sees (within the filters)
    that the course targets or whose users started it, a partner without users included.
    Annotated `n_targeted`, `n_started`, `n_passed`, `n_reached`, `median_seconds`,
    `pass_rate` and `reach`; one query (and one to count, when paginated)."""
    if course.tenant_id != membership.tenant_id:
        return Partner.objects.none()
    target = targeting(course)
    enrolments = Enrolment.objects.filter(
        Q(tenant_id=membership.tenant_id, course=course, membership__partner=OuterRef("pk"))
        & _period(filters)
    )
    learners = Membership.objects.filter(
        Q(tenant_id=membership.tenant_id, partner=OuterRef("pk")) & _learners()
    )
    # One enrolment per learner and course: the passes of active learners are the learners who
    # passed (a join on the partner's enrolments, cheaper than a nested EXISTS per learner).
    reached = enrolments.filter(Q(completed_at__isnull=False) & _learners("membership__"))
    median = Subquery(
        enrolments.filter(completed_at__isnull=False)
        .order_by()
        .values("membership__partner")
        .annotate(m=Median(_seconds_to_pass()))
        .values("m")[:1],
        output_field=FloatField(),
    )
    # An untargeted course is for every partner (an empty Q cannot be a When condition).
    is_targeted: Any = (
        Case(When(target, then=Value(True)), default=Value(False)) if target else Value(True)
    )
    return (
        Partner.objects.filter(partner_scope(membership, filters))
        .select_related("tier")
        .annotate(
            is_targeted=is_targeted,
            n_started=_count(enrolments, "membership__partner"),
            n_passed=_count(enrolments.filter(completed_at__isnull=False), "membership__partner"),
        )
        .annotate(
            n_targeted=Case(
                When(is_targeted=True, then=_count(learners, "partner")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            n_reached=Case(
                When(is_targeted=True, then=_count(reached, "membership__partner")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            median_seconds=median,
        )
        .filter(Q(is_targeted=True) | Q(n_started__gt=0))
        .annotate(
            pass_rate=_rate("n_passed", "n_started"),
            reach=_rate("n_reached", "n_targeted"),
        )
        .order_by(*_ordering(PARTNER_SORTS, sort, "name"))
    )


def partner_completion(partner: Any) -> Completion:
    """A `Completion` of a row of `partner_rows`."""
    return Completion(
        targeted=partner.n_targeted,
        started=partner.n_started,
        passed=partner.n_passed,
        reached=partner.n_reached,
        median_seconds=partner.median_seconds,
    )
