"""A small training world for the report's tests, with every figure computable by hand.

Partners A and B of the `ours` world and a new partner C without users share a partner type,
the segment of the "Report course": A is Silver (with C), B has no tier. The CAM manages A.

| learner          | started     | passed      | days |
|------------------|-------------|-------------|------|
| A's admin        | 10 days ago | 4 days ago  | 6    |
| A's rep          | 2 days ago  | —           |      |
| B's rep          | 3 days ago  | 1 day ago   | 2    |
| B's former rep   | 20 days ago | 10 days ago | 10   |  (inactive now)
| B's admin        | —           |             |      |

"Empty course" targets the same segment and nobody started it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from partners.models import Partner, PartnerType, Segment
from partners.tests.factories import PartnerFactory
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import published_course_rows
from training.models import Course, Enrolment


@dataclass
class ReportWorld:
    course: Course
    empty: Course
    segment: Segment
    partner_c: Partner
    former: Membership


def enrol(course: Course, member: Membership, started: int, passed: int | None) -> Enrolment:
    now = timezone.now()
    version = course.current_version
    assert version is not None
    return Enrolment.objects.create(
        tenant=course.tenant,
        course=course,
        version=version,
        membership=member,
        started_at=now - timedelta(days=started),
        completed_modules=version.module_count if passed is not None else 1,
        completed_at=now - timedelta(days=passed) if passed is not None else None,
    )


def build_report_world(world, title: str = "Report course") -> ReportWorld:  # type: ignore[no-untyped-def]
    """Call inside the tenant's scope (and a test's transaction)."""
    tenant = world.tenant
    kind = PartnerType.objects.create(tenant=tenant, name="Report type")
    segment = Segment.objects.create(tenant=tenant, name="Report segment")
    segment.partner_types.add(kind)
    partner_c = PartnerFactory(tenant=tenant, name="Partner C without users", partner_type=kind)
    Partner.objects.filter(pk__in=[world.partner.pk, world.other_partner.pk]).update(
        partner_type=kind
    )
    Partner.objects.filter(pk__in=[world.partner.pk, partner_c.pk]).update(tier=world.tier)
    Partner.objects.filter(pk=world.other_partner.pk).update(tier=None)
    course, _ = published_course_rows(tenant, title, segments=[segment])
    empty, _ = published_course_rows(tenant, "Empty course", segments=[segment])
    former = partner_membership(world.other_partner, Role.PARTNER_REP)
    enrol(course, world.members[Role.PARTNER_ADMIN], started=10, passed=4)
    enrol(course, world.members[Role.PARTNER_REP], started=2, passed=None)
    enrol(course, world.other_partner_rep, started=3, passed=1)
    enrol(course, former, started=20, passed=10)
    Membership.objects.filter(pk=former.pk).update(is_active=False)
    return ReportWorld(
        course=course, empty=empty, segment=segment, partner_c=partner_c, former=former
    )
