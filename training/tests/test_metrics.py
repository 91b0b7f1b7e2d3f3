"""The training metrics, and a tier requirement on them in the tier engine."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, Tier, TierProposal, TierRequirement
from partners.tiers import selectors as tiers_selectors
from partners.tiers import services as tiers_services
from prm.metrics import registry
from prm.metrics.periods import Period, last_12_months
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.worlds import delete_with_dependents, published_course_rows
from training.models import Enrolment

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


def enrol(course, member, started: date, passed: date | None = None) -> Enrolment:
    return Enrolment.objects.create(
        tenant=course.tenant,
        course=course,
        version=course.current_version,
        membership=member,
        started_at=at(started),
        completed_at=at(passed) if passed else None,
    )


@pytest.fixture
def courses(ours):
    """Three courses; partner A's admin passed two (one long ago), its rep started one;
    B's rep passed one; a former user of A passed one (inactive now)."""
    with scope(tenant=ours.tenant):
        Enrolment.objects.filter(tenant=ours.tenant).delete()
        made = [published_course_rows(ours.tenant, f"Metric course {i}")[0] for i in range(3)]
        admin, rep = ours.members[Role.PARTNER_ADMIN], ours.members[Role.PARTNER_REP]
        enrol(made[0], admin, TODAY - timedelta(days=40), TODAY - timedelta(days=30))
        enrol(made[1], admin, TODAY - timedelta(days=20), TODAY - timedelta(days=2))
        enrol(made[2], admin, date(2024, 1, 5), date(2024, 2, 1))  # outside the period
        enrol(made[0], rep, TODAY - timedelta(days=3))
        enrol(made[0], ours.other_partner_rep, TODAY - timedelta(days=9), TODAY)
        former = partner_membership(ours.partner, Role.PARTNER_REP)
        enrol(made[1], former, TODAY - timedelta(days=9), TODAY - timedelta(days=1))
        Membership.objects.filter(pk=former.pk).update(is_active=False)
        yield made


def values(world, name: str, period: Period) -> dict[int, Decimal]:
    ids = [world.partner.pk, world.other_partner.pk]
    return registry.get(name).for_partners(world.tenant, period, ids)


def test_courses_passed_counts_active_users_passes_in_the_period(ours, courses):
    with scope(tenant=ours.tenant):
        found = values(ours, "training.courses_passed", last_12_months(TODAY))
    assert found == {ours.partner.pk: Decimal(2), ours.other_partner.pk: Decimal(1)}


def test_completion_rate_is_passed_of_started_in_the_period(ours, courses):
    with scope(tenant=ours.tenant):
        found = values(ours, "training.completion_rate", last_12_months(TODAY))
        # A: 3 started in the period (admin twice, rep once), 2 passed; B: 1 of 1
        assert found == {ours.partner.pk: Decimal("66.7"), ours.other_partner.pk: Decimal(100)}
        recent = Period(TODAY - timedelta(days=5), TODAY)
        # A: only the rep's start (not passed); B: nothing started
        found = values(ours, "training.completion_rate", recent)
        assert found == {ours.partner.pk: Decimal(0), ours.other_partner.pk: Decimal(0)}
        formatted = registry.get("training.completion_rate").format(Decimal("66.7"), currency="")
        assert formatted == "66.7%"


@pytest.fixture
def gold(ours):
    """Gold needs 3 courses passed in the last 12 months."""
    with scope(tenant=ours.tenant):
        TierProposal.objects.all().delete()
        delete_with_dependents(Tier.objects.filter(tenant=ours.tenant))
        registered = Tier.objects.create(tenant=ours.tenant, name="Registered", rank=1)
        gold = Tier.objects.create(tenant=ours.tenant, name="Gold", rank=3)
        TierRequirement.objects.create(
            tenant=ours.tenant, tier=gold, metric="training.courses_passed", threshold=3
        )
        Partner.objects.filter(tenant=ours.tenant).update(tier=registered)
    return gold


def test_a_tier_requirement_on_courses_passed(ours, courses, gold):
    with scope(tenant=ours.tenant):
        partner = Partner.objects.get(pk=ours.partner.pk)
        standing = tiers_selectors.standing_of(partner, TODAY)
        assert standing is not None
        assert standing.path == "1 more course passed → Gold"
        assert tiers_services.tiers_evaluate(tenant=ours.tenant, today=TODAY)["promotions"] == 0
        # The rep passes their course: 3 passes by active users, Gold is proposed.
        Enrolment.objects.filter(membership=ours.members[Role.PARTNER_REP]).update(
            completed_at=at(TODAY)
        )
        assert tiers_services.tiers_evaluate(tenant=ours.tenant, today=TODAY)["promotions"] == 1
        proposal = TierProposal.objects.get(partner=partner, status="pending")
        assert proposal.to_tier == gold
        assert proposal.evidence == {"training.courses_passed": "3"}
