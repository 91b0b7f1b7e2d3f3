"""The list behind each metric (`Metric.list_url`): the admin list a dashboard tile and the
metric's page link to is filtered, by lookups the list accepts (no "?e=1"), to exactly the rows
the metric counts in the period, for the whole program and for one partner; a CAM following the
link sees only their partners' rows."""

from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db.models import Q
from django.utils import timezone

from commissions.models import Line, Statement
from commissions.tests import factories as commission_rows
from mdf.models import Claim, MdfRequest
from mdf.tests import factories as mdf_rows
from prm.exchange.services import tenant_today
from prm.metrics import periods as P
from prm.metrics.registry import Metric, Ratio, Total, get
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from training.models import Enrolment

METRIC = "/admin/reporting/metrics/{}/"

#: every metric with a list, and the metrics that are counts (their figure is the list's size)
LISTED = [
    "training.courses_passed",
    "training.completion_rate",
    "commissions.earned",
    "commissions.paid",
    "commissions.incentives_paid",
    "mdf.roi",
    "partners.active_users",
]
COUNTS = {"training.courses_passed", "partners.active_users"}
#: metrics left without a list on purpose (see mdf/metrics.py, partners/metrics.py)
UNLISTED = [
    "mdf.allocated",
    "mdf.committed",
    "mdf.reimbursed",
    "mdf.utilisation",
    "partners.monthly_active_rate",
]


def metric_rows(metric: Metric, tenant: Any, period: P.Period, partner_id: int | None) -> set:
    """The keys of the rows the metric's figure is made of, read from its declaration: the
    period's rows meeting the total's condition, or a ratio's denominator's."""
    rows = metric.rows
    found = rows.queryset(tenant).filter(rows.period_q(period))
    value = metric.value
    part = value.part if isinstance(value, Total) else value.denominator
    assert isinstance(value, Total | Ratio)
    where = part.where(period) if callable(part.where) else part.where
    found = found.filter(where)
    if partner_id is not None:
        found = found.filter(**{rows.partner_path("id"): partner_id})
    return set(found.values_list("pk", flat=True))


def listed(client: Any, url: str) -> set:
    """The keys of every row the admin list at `url` shows (all its pages)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return set(response.context_data["cl"].queryset.values_list("pk", flat=True))


@pytest.fixture
def period(world) -> P.Period:
    return P.month_of(tenant_today(world.tenant))


@pytest.fixture
def bench(world, period):
    """Rows of every listed metric inside the period and outside it, of both partners, and
    rows the metrics leave out (an inactive user's, a clawback of a SPIF, an adjustment)."""
    tenant, a, b = world.tenant, world.partner, world.other_partner
    today = tenant_today(tenant)
    before = period.start - timedelta(days=1)
    now = timezone.now()
    earlier = now - timedelta(days=today.day + 40)
    rep, other_rep = world.members[Role.PARTNER_REP], world.other_partner_rep
    gone = partner_membership(a, Role.PARTNER_REP)
    Membership.objects.filter(pk=gone.pk).update(is_active=False, deactivated_at=now)

    # Training: the world's enrolment (A's rep, started now); passes now, earlier, by B's rep
    # and by a user who left.
    def enrol(course, membership, started, completed=None):
        return Enrolment.objects.create(
            tenant=tenant,
            course=course,
            version=course.current_version,
            membership=membership,
            started_at=started,
            completed_at=completed,
        )

    enrol(world.other_quiz_course, rep, now, now)
    enrol(world.other_course, rep, earlier, earlier)
    enrol(world.course, world.members[Role.PARTNER_ADMIN], earlier, now)
    enrol(world.course, other_rep, now, now)
    enrol(world.course, gone, now, now)

    # Commissions: deal lines and their clawbacks, a SPIF's clawback, an adjustment; paid
    # statements of this period and the one before.
    reps = {a.pk: rep, b.pk: other_rep}

    def line(partner, amount, **fields):
        if fields.get("source") == Line.Source.DEAL:  # a deal's line names its deal
            fields["deal"] = commission_rows.won_deal_row(partner, reps[partner.pk])
        return commission_rows.line_row(partner, amount, **fields)

    deal_line = line(a, "100", source=Line.Source.DEAL, earned_on=today)
    line(a, "40", source=Line.Source.DEAL, earned_on=before)
    line(b, "70", source=Line.Source.DEAL, earned_on=today)
    line(a, "25", earned_on=today)  # an adjustment: not commission earned
    spif = line(a, "500", source=Line.Source.SPIF, earned_on=before)
    for reversed_line in (deal_line, spif):
        clawback = line(a, -reversed_line.amount, source=Line.Source.CLAWBACK, earned_on=today)
        Line.objects.filter(pk=clawback.pk).update(reverses=reversed_line)
    paid = Statement.Status.PAID

    def months_ago(n: int) -> P.Period:
        # a statement per partner and period: the world's are last month's
        return P.month_of(period.start - timedelta(days=31 * n - 1))

    for partner, paid_on, month in ((a, today, 0), (b, today, 0), (a, before, 2)):
        lines = [
            line(partner, "300", source=Line.Source.DEAL, earned_on=paid_on),
            line(partner, "200", source=Line.Source.SPIF, earned_on=paid_on),
            line(partner, "150", source=Line.Source.TIER_BONUS, earned_on=paid_on),
            line(partner, "10", earned_on=paid_on),
        ]
        commission_rows.statement_row(
            partner, months_ago(month), lines, status=paid, paid_on=paid_on
        )
    # a statement of this period approved, not paid yet
    approved_line = line(a, "90", source=Line.Source.SPIF, earned_on=today)
    commission_rows.statement_row(
        a, months_ago(3), [approved_line], status=Statement.Status.APPROVED
    )

    # MDF: the world's fund (this quarter) has A's approved claim (`due_claim`) and both
    # partners' submitted ones; B gets a paid one, and A one of last year's fund.
    approved = MdfRequest.Status.APPROVED
    funded = mdf_rows.request_row(world.other_allocation, other_rep, status=approved)
    mdf_rows.claim_row(funded, other_rep, status=Claim.Status.PAID)
    old_fund = mdf_rows.fund_row(
        tenant,
        "Last year's fund",
        starts_on=period.start - timedelta(days=400),
        ends_on=period.start - timedelta(days=300),
        opens_on=period.start - timedelta(days=430),
        closes_on=period.start - timedelta(days=300),
    )
    old = mdf_rows.request_row(
        mdf_rows.allocation_row(old_fund, a), rep, status=approved, amount="1000"
    )
    mdf_rows.claim_row(old, rep, status=Claim.Status.APPROVED)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTED)
def test_a_metrics_list_shows_exactly_its_rows(name, bench, period, host_client):
    metric = get(name)
    assert metric.list_url is not None
    tenant = bench.tenant
    leader = host_client(bench.host, bench.members[Role.PROGRAM_LEADER])
    everyone = metric_rows(metric, tenant, period, None)
    assert listed(leader, metric.list_url(period, None)) == everyone
    for partner in (bench.partner, bench.other_partner):
        ours = metric_rows(metric, tenant, period, partner.pk)
        assert ours, f"the bench has no row of {name} for {partner}: the test would prove little"
        assert listed(leader, metric.list_url(period, partner.pk)) == ours
        if name in COUNTS:
            figure = metric.for_partners(tenant, period, [partner.pk])[partner.pk]
            assert figure == Decimal(len(ours))
    # the bench has rows of the metric's kind the period or its condition leaves out
    every_row = metric.rows.queryset(tenant)
    assert every_row.count() > len(everyone) or name == "partners.active_users"


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTED)
def test_a_cam_following_a_metrics_link_sees_only_their_partners_rows(
    name, bench, period, host_client
):
    metric = get(name)
    assert metric.list_url is not None
    cam = host_client(bench.host, bench.members[Role.CAM])  # manages partner A only
    mine = metric_rows(metric, bench.tenant, period, bench.partner.pk)
    assert listed(cam, metric.list_url(period, None)) == mine
    assert listed(cam, metric.list_url(period, bench.other_partner.pk)) == set()


@pytest.mark.django_db
def test_the_metric_page_links_each_partner_and_the_whole_list(bench, host_client):
    leader = host_client(bench.host, bench.members[Role.PROGRAM_LEADER])
    linked = set()
    for name in LISTED:
        metric = get(name)
        assert metric.list_url is not None
        response = leader.get(METRIC.format(name))
        assert response.status_code == 200
        html = response.content.decode()
        shown = response.context_data["filters"].period
        assert metric.list_url(shown, None).replace("&", "&amp;") in html, name
        # the page links a partner's records where its figure is not zero
        for figure in response.context_data["figures"]:
            if figure.value:
                url = metric.list_url(shown, figure.pk)
                assert url.replace("&", "&amp;") in html, (name, figure.pk)
                linked.add(name)
    # MDF return is 0 on the bench (no deal is linked to a campaign): its partners unlinked
    assert linked == set(LISTED) - {"mdf.roi"}
    for name in UNLISTED:
        assert get(name).list_url is None


@pytest.mark.django_db
def test_the_enrolments_list_leaves_out_what_its_filters_exclude(bench, host_client):
    leader = host_client(bench.host, bench.members[Role.PROGRAM_LEADER])
    everything = set(Enrolment.objects.filter(tenant=bench.tenant).values_list("pk", flat=True))
    assert listed(leader, "/admin/training/enrolment/") == everything
    passed = set(
        Enrolment.objects.filter(tenant=bench.tenant, completed_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert listed(leader, "/admin/training/enrolment/?passed=yes") == passed
    mine = Q(membership__partner=bench.partner)
    cam = host_client(bench.host, bench.members[Role.CAM])
    assert listed(cam, "/admin/training/enrolment/") == set(
        Enrolment.objects.filter(mine, tenant=bench.tenant).values_list("pk", flat=True)
    )
    theirs = Enrolment.objects.filter(membership=bench.other_partner_rep).first()
    assert cam.get(f"/admin/training/enrolment/{theirs.pk}/change/").status_code == 404


@pytest.mark.django_db
def test_bad_values_in_a_metrics_list_link_answer_without_a_server_error(
    bench, period, host_client
):
    """The lookups the lists take across relations (`related_lookups`) with values that are no
    date, choice or boolean: a refusal or the list, never a server error."""
    leader = host_client(bench.host, bench.members[Role.PROGRAM_LEADER])
    for name in LISTED:
        url = get(name).list_url(period, bench.partner.pk)
        path, query = urlsplit(url).path, parse_qsl(urlsplit(url).query)
        for index, (key, _value) in enumerate(query):
            bad = [*query[:index], (key, "not-a-value"), *query[index + 1 :]]
            response = leader.get(f"{path}?{urlencode(bad)}")
            assert response.status_code in (200, 302, 400), (name, key, response.status_code)
