"""The completion report's figures against a world counted by hand (`report_fixtures`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from prm.tenancy.roles import Role
from training.reports.selectors import (
    ReportFilters,
    course_completion,
    course_rows,
    partner_completion,
    partner_rows,
    reported_courses,
    tier_rows,
)

from .report_fixtures import build_report_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(ours):
    with scope(tenant=ours.tenant):
        yield build_report_world(ours)


def figures(c):
    return (c.targeted, c.started, c.in_progress, c.passed, c.reached)


def test_a_course_over_every_partner(ours, report):
    leader = ours.members[Role.PROGRAM_LEADER]
    total = course_completion(leader, report.course)
    # targeted: A's admin and rep, B's admin and rep (the former rep is inactive, C has none)
    assert figures(total) == (4, 4, 1, 3, 2)
    assert total.pass_rate == Decimal("75.0")
    assert total.reach == Decimal("50.0")
    assert total.median_days == Decimal("6.0")  # of 6, 2 and 10 days


def test_a_cam_counts_only_their_partners(ours, report):
    cam = ours.members[Role.CAM]
    total = course_completion(cam, report.course)
    assert figures(total) == (2, 2, 1, 1, 1)
    assert total.median_days == Decimal("6.0")
    names = [p.name for p in partner_rows(cam, ReportFilters(), report.course)]
    assert names == [ours.partner.name]


def test_a_course_nobody_started(ours, report):
    total = course_completion(ours.members[Role.PROGRAM_LEADER], report.empty)
    assert figures(total) == (4, 0, 0, 0, 0)
    assert total.pass_rate is None
    assert total.reach == Decimal("0.0")
    assert total.median_days is None


def test_the_course_list_holds_the_same_figures(ours, report):
    leader = ours.members[Role.PROGRAM_LEADER]
    courses = list(reported_courses(leader, ReportFilters(), sort="-started"))
    rows = {r.course.pk: r for r in course_rows(leader, ReportFilters(), courses)}
    assert figures(rows[report.course.pk]) == (4, 4, 1, 3, 2)
    assert figures(rows[report.empty.pk]) == (4, 0, 0, 0, 0)
    assert courses[0].pk == report.course.pk  # the most started first


def test_per_tier(ours, report):
    rows = {
        (r.tier.name if r.tier else None): r
        for r in tier_rows(ours.members[Role.PROGRAM_LEADER], ReportFilters(), report.course)
    }
    assert figures(rows["Silver"]) == (2, 2, 1, 1, 1)  # A, and C without users
    assert figures(rows[None]) == (2, 2, 0, 2, 1)  # B: the former rep's pass is not reach
    assert rows[None].median_days == Decimal("6.0")  # of 2 and 10 days
    assert rows[None].reach == Decimal("50.0")


def test_per_partner_with_a_partner_without_users(ours, report):
    rows = {
        p.name: partner_completion(p)
        for p in partner_rows(ours.members[Role.PROGRAM_LEADER], ReportFilters(), report.course)
    }
    assert figures(rows[ours.partner.name]) == (2, 2, 1, 1, 1)
    assert figures(rows[ours.other_partner.name]) == (2, 2, 0, 2, 1)
    assert figures(rows["Partner C without users"]) == (0, 0, 0, 0, 0)
    assert rows["Partner C without users"].pass_rate is None
    assert rows["Partner C without users"].reach is None
    assert len(rows) == 3  # no partner outside the course's segment and without enrolments


def test_filters_narrow_every_figure(ours, report):
    leader = ours.members[Role.PROGRAM_LEADER]
    today = timezone.localdate()
    recent = ReportFilters(started_from=today - timedelta(days=5))
    # A's rep (2 days ago) and B's rep (3 days ago, passed)
    assert figures(course_completion(leader, report.course, recent)) == (4, 2, 1, 1, 1)
    silver = ReportFilters(tier_id=ours.tier.pk)
    assert figures(course_completion(leader, report.course, silver)) == (2, 2, 1, 1, 1)
    by_cam = ReportFilters(cam=ours.members[Role.CAM])
    assert figures(course_completion(leader, report.course, by_cam)) == (2, 2, 1, 1, 1)
    one = ReportFilters(partner_id=ours.other_partner.pk)
    assert figures(course_completion(leader, report.course, one)) == (2, 2, 0, 2, 1)
    segment = ReportFilters(segment=report.segment)
    assert figures(course_completion(leader, report.course, segment)) == (4, 4, 1, 3, 2)


def test_sorting_partners(ours, report):
    leader = ours.members[Role.PROGRAM_LEADER]
    by_passed = [p.name for p in partner_rows(leader, ReportFilters(), report.course, "-passed")]
    assert by_passed[0] == ours.other_partner.name
    by_rate = [p.name for p in partner_rows(leader, ReportFilters(), report.course, "rate")]
    assert by_rate[-1] == "Partner C without users"  # no rate: last either way
    by_rate = [p.name for p in partner_rows(leader, ReportFilters(), report.course, "-rate")]
    assert by_rate[-1] == "Partner C without users"


def test_another_tenants_partners_never_count(ours, theirs, report):
    with scope(tenant=theirs.tenant):
        theirs_leader = theirs.members[Role.PROGRAM_LEADER]
        assert not list(partner_rows(theirs_leader, ReportFilters(), report.course))
        assert not tier_rows(theirs_leader, ReportFilters(), report.course)
        assert course_completion(theirs_leader, report.course).started == 0
