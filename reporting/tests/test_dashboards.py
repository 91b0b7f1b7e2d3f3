"""The program and CAM dashboards and the list behind each figure: every figure is the metrics
layer's, a CAM sees only their partners, filters never answer 500, tables export as CSV."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.exchange.services import tenant_today
from prm.metrics import periods as P
from prm.metrics.engine import evaluate
from prm.metrics.registry import get
from prm.tenancy.roles import Role
from reporting import dashboards as D

PROGRAM = "/admin/reporting/program/"
CAM = "/admin/reporting/cam/"
METRIC = "/admin/reporting/metrics/{}/"


def won(partner, amount: str, *, days_ago: int = 1, name: str = "") -> Deal:
    """A deal of `partner` won `days_ago` days ago, in the tenant's currency."""
    today = tenant_today(partner.tenant)
    deal = DealFactory(
        partner=partner,
        currency=partner.tenant.default_currency,
        amount=Decimal(amount),
        customer_name=name or f"Won for {partner.name} {amount}",
    )
    closed = today - timedelta(days=days_ago)
    Deal.objects.filter(pk=deal.pk).update(
        status=Deal.Status.WON,
        submitted_at=timezone.now() - timedelta(days=days_ago + 10),
        closed_on=closed,
        won_amount=Decimal(amount),
    )
    return deal


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def world(ours):
    """Our world without its seeded registrations: the figures are what the test made."""
    with scope(tenant=ours.tenant):
        from tests.worlds import delete_with_dependents

        delete_with_dependents(Deal.objects.filter(tenant=ours.tenant))
        yield ours


def this_month(world) -> P.Period:
    today = tenant_today(world.tenant)
    return P.period_for(P.QUARTER, today, fiscal_start=world.tenant.fiscal_year_start or 1)


@pytest.mark.django_db
def test_the_program_dashboard_shows_the_metrics_layers_figures(world, host_client):
    won(world.partner, "1000", days_ago=0)
    won(world.other_partner, "2500", days_ago=0)
    period = this_month(world)
    revenue = get("deals.revenue_won")
    expected = evaluate(world.tenant, [revenue], [period]).get(revenue, period)
    assert expected == Decimal("3500.00")
    html = body(host_client(world.host, world.members[Role.PROGRAM_LEADER]).get(PROGRAM))
    text = revenue.format(expected, currency=world.tenant.default_currency)
    tile = html[html.index('id="tile-deals-revenue-won"') :]
    assert text in tile[: tile.index("</li>")]
    # the tile drills to the list behind it
    assert reverse("admin:reporting_metric", args=["deals.revenue_won"]) in tile
    # both partners are top partners, the higher revenue first
    top = html[html.index('id="top-partners"') :]
    assert top.index(world.other_partner.name) < top.index(world.partner.name)
    for table in ("tiles", "trend", "type", "tier", "region", "top", "funnel"):
        assert f"table={table}" in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", [PROGRAM, CAM])
def test_the_sla_gauge_reads_the_tenants_target(world, host_client, page):
    type(world.tenant).objects.filter(pk=world.tenant.pk).update(sla_target_percent=75)
    member = world.members[Role.PROGRAM_LEADER if page == PROGRAM else Role.CAM]
    response = host_client(world.host, member).get(page)
    html = body(response)
    assert response.context_data["dashboard"].sla_target == Decimal(75)
    sla = html[html.index('id="sla-heading"') :]
    sla = sla[: sla.index("</section>")]
    assert "against a target of 75" in sla
    assert "90" not in sla  # the old constant, in the sentence or the gauge


@pytest.mark.django_db
def test_a_cam_sees_only_their_partners_figures(world, host_client):
    won(world.partner, "1000", days_ago=0)
    won(world.other_partner, "2500", days_ago=0)
    cam = world.members[Role.CAM]
    client = host_client(world.host, cam)
    currency = world.tenant.default_currency
    html = body(client.get(CAM))
    revenue = get("deals.revenue_won")
    tile = html[html.index('id="tile-deals-revenue-won"') :]
    tile = tile[: tile.index("</li>")]
    assert revenue.format(Decimal("1000"), currency=currency) in tile
    assert world.partner.name in html
    assert world.other_partner.name not in html
    # another member's id in ?cam= changes nothing for a CAM
    leader = world.members[Role.PROGRAM_LEADER]
    assert world.other_partner.name not in body(client.get(f"{CAM}?cam={leader.pk}"))
    # the list behind a figure: the CAM's partners only
    listed = body(client.get(METRIC.format("deals.revenue_won")))
    assert world.partner.name in listed
    assert world.other_partner.name not in listed
    # the program dashboard is not theirs
    assert client.get(PROGRAM).status_code == 403


@pytest.mark.django_db
def test_a_leader_picks_a_cam_and_a_made_up_cam_answers_404(world, theirs, host_client):
    won(world.partner, "1000", days_ago=0)
    won(world.other_partner, "2500", days_ago=0)
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    assert 'id="pick-cam"' in body(client.get(CAM))
    cam = world.members[Role.CAM]
    html = body(client.get(f"{CAM}?cam={cam.pk}"))
    assert 'id="needs-attention"' in html
    assert world.partner.name in html
    assert world.other_partner.name not in html
    for other in (world.members[Role.PARTNER_REP].pk, theirs.members[Role.CAM].pk, 999999999):
        assert client.get(f"{CAM}?cam={other}").status_code == 404
    assert 'id="pick-cam"' in body(client.get(f"{CAM}?cam=abc"))
    # the program dashboard over one CAM's portfolio
    program = body(client.get(f"{PROGRAM}?cam={cam.pk}"))
    assert world.other_partner.name not in program[program.index('id="top-partners"') :]


@pytest.mark.django_db
def test_partner_users_get_no_dashboard(world, host_client):
    for role in (Role.PARTNER_ADMIN, Role.PARTNER_REP):
        client = host_client(world.host, world.members[role])
        for url in (PROGRAM, CAM, METRIC.format("deals.won"), "/admin/reporting/program.csv"):
            assert client.get(url).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_the_list_behind_a_figure_shows_each_partner_with_its_parts(world, host_client):
    won(world.partner, "1000", days_ago=0)
    won(world.other_partner, "2500", days_ago=0)
    client = host_client(world.host, world.members[Role.PARTNER_OPS])
    assert client.get(METRIC.format("deals.nothing")).status_code == 404
    html = body(client.get(METRIC.format("deals.win_rate")))
    rows = html[html.index('id="metric-partners"') :]
    assert world.partner.name in rows
    assert world.other_partner.name in rows
    assert "Won" in rows
    assert "Closed" in rows
    assert "100%" in rows
    # revenue: the larger first
    html = body(client.get(METRIC.format("deals.revenue_won")))
    rows = html[html.index('id="metric-partners"') :]
    assert rows.index(world.other_partner.name) < rows.index(world.partner.name)
    assert reverse("admin:partners_partner_change", args=[world.partner.pk]) in rows


@pytest.mark.django_db
def test_the_list_behind_a_figure_exports_formula_safe_csv(world, host_client):
    with scope(tenant=world.tenant):
        sly = PartnerFactory(tenant=world.tenant, name="=HYPERLINK(1)")
    won(sly, "700", days_ago=0)
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    for url in (
        reverse("admin:reporting_metric_csv", args=["deals.revenue_won"]),
        METRIC.format("deals.revenue_won") + "?format=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        names = [r[0] for r in rows[1:]]
        assert "'=HYPERLINK(1)" in names
        assert "=HYPERLINK(1)" not in names
        assert Decimal(next(r for r in rows if r[0] == "'=HYPERLINK(1)")[1]) == Decimal("700")


@pytest.mark.django_db
def test_every_dashboard_table_exports_with_the_filters(world, host_client):
    with scope(tenant=world.tenant):
        sly = PartnerFactory(tenant=world.tenant, name="+SUM(A1)")
    won(sly, "700", days_ago=0)
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    for table in ("tiles", "trend", "type", "tier", "region", "top", "funnel"):
        response = client.get(f"/admin/reporting/program.csv?table={table}&span=year")
        assert response.status_code == 200, table
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text)))) >= 2, table
        if table == "top":
            assert "'+SUM(A1)" in text
    assert client.get("/admin/reporting/program.csv?table=nope").status_code == 404
    cam = world.members[Role.CAM]
    cam_client = host_client(world.host, cam)
    for table in ("quiet", "expiring", "overdue", "claims_due", "tiles"):
        response = cam_client.get(f"/admin/reporting/cam.csv?table={table}")
        assert response.status_code == 200, table


@pytest.mark.django_db
def test_filters_narrow_the_partners_and_bad_values_are_left_out(world, host_client):
    won(world.partner, "1000", days_ago=0)
    won(world.other_partner, "2500", days_ago=0)
    with scope(tenant=world.tenant):
        type(world.partner).objects.filter(pk=world.partner.pk).update(region="emea")
        type(world.partner).objects.filter(pk=world.other_partner.pk).update(region="apac")
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    html = body(client.get(f"{PROGRAM}?region=emea"))
    top = html[html.index('id="top-partners"') :]
    assert world.partner.name in top
    assert world.other_partner.name not in top
    for query in (
        "span=nope",
        "tier=abc",
        "tier=99999999999999999999999",
        "region=mars",
        "segment=%00",
        "start=2025-02-30&span=custom",
        "span=custom&start=0001-01-01&end=9999-12-31",
        "compare=x&partner_type=-1",
    ):
        assert client.get(f"{PROGRAM}?{query}").status_code == 200, query


@pytest.mark.django_db
def test_a_custom_period_says_what_is_wrong_beside_the_field(world, host_client):
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    html = body(client.get(f"{PROGRAM}?span=custom&start=2026-03-01&end=2026-02-01"))
    assert 'id="error-end"' in html
    assert "before the first day" in html
    html = body(client.get(f"{PROGRAM}?span=custom&start=2020-01-01&end=2026-02-01"))
    assert "at most three years" in html
    html = body(client.get(f"{PROGRAM}?span=custom&start=2026-01-01&end=2026-01-31"))
    assert 'id="error-end"' not in html


@pytest.mark.django_db
def test_a_custom_period_and_the_year_earlier_comparison_read_those_days(world, host_client):
    won(world.partner, "1000", days_ago=400)
    today = tenant_today(world.tenant)
    day = today - timedelta(days=400)
    client = host_client(world.host, world.members[Role.PROGRAM_LEADER])
    query = f"span=custom&start={day.isoformat()}&end={day.isoformat()}"
    html = body(client.get(f"{METRIC.format('deals.revenue_won')}?{query}"))
    currency = world.tenant.default_currency
    assert get("deals.revenue_won").format(Decimal("1000"), currency=currency) in html
    # a year on, compared with the same day a year earlier: nothing now, 1,000 then
    a_year_on = (day + timedelta(days=366)).isoformat()
    html = body(client.get(f"{PROGRAM}?span=custom&start={a_year_on}&end={a_year_on}&compare=year"))
    tile = html[html.index('id="tile-deals-revenue-won"') :]
    tile = tile[: tile.index("</li>")]
    before = D.P.year_earlier(D.P.Period(day + timedelta(days=366), day + timedelta(days=366)))
    expected = Decimal("1000") if before.start == day else Decimal(0)
    assert "was " + get("deals.revenue_won").format(expected, currency=currency) in tile


@pytest.mark.django_db
def test_needs_attention_lists_expiring_overdue_and_quiet(world, host_client):
    now = timezone.now()
    with scope(tenant=world.tenant):
        expiring = DealFactory(partner=world.partner, customer_name="Expiring Customer")
        Deal.objects.filter(pk=expiring.pk).update(
            status=Deal.Status.APPROVED, expires_at=now + timedelta(days=3)
        )
        late = DealFactory(partner=world.partner, customer_name="Late Customer")
        Deal.objects.filter(pk=late.pk).update(
            status=Deal.Status.SUBMITTED,
            submitted_at=now - timedelta(days=5),
            sla_due_at=now - timedelta(days=1),
        )
        theirs_late = DealFactory(partner=world.other_partner, customer_name="Not Yours Customer")
        Deal.objects.filter(pk=theirs_late.pk).update(
            status=Deal.Status.SUBMITTED,
            submitted_at=now - timedelta(days=5),
            sla_due_at=now - timedelta(days=1),
        )
    html = body(host_client(world.host, world.members[Role.CAM]).get(CAM))
    attention = html[
        html.index('id="needs-attention"') : html.index(
            "</section>", html.index('id="needs-attention"')
        )
    ]
    assert "Expiring Customer" in attention
    assert "Late Customer" in attention
    assert "Not Yours Customer" not in attention
    assert reverse("admin:deals_deal_change", args=[expiring.pk]) in attention


@pytest.mark.django_db
def test_the_menu_lists_the_dashboards_by_capability(world, host_client):
    leader = body(host_client(world.host, world.members[Role.PROGRAM_LEADER]).get("/admin/"))
    assert reverse("admin:reporting_program") in leader
    assert reverse("admin:reporting_cam") in leader
    cam = body(host_client(world.host, world.members[Role.CAM]).get("/admin/"))
    assert reverse("admin:reporting_program") not in cam
    assert reverse("admin:reporting_cam") in cam


def test_a_change_is_coloured_by_whether_more_is_better():
    win_rate, days = get("deals.win_rate"), get("deals.days_to_close")
    revenue = get("deals.revenue_won")
    up = D.change_of(revenue, Decimal(150), Decimal(100))
    assert up is not None
    assert up.direction == "up"
    assert up.good is True
    assert "50" in up.text
    slower = D.change_of(days, Decimal(30), Decimal(20))
    assert slower is not None
    assert slower.direction == "up"
    assert slower.good is False
    points = D.change_of(win_rate, Decimal("40"), Decimal("50"))
    assert points is not None
    assert points.direction == "down"
    assert "pts" in points.text
    assert D.change_of(revenue, Decimal(10), Decimal(0)) is None
    assert D.change_of(revenue, None, Decimal(1)) is None
    flat = D.change_of(revenue, Decimal(5), Decimal(5))
    assert flat is not None
    assert flat.direction == "flat"
    assert flat.good is None


@pytest.mark.django_db
def test_the_records_behind_a_partners_figure_are_the_metrics_rows(world, host_client):
    counted = won(world.partner, "1000", days_ago=0, name="Counted Customer")
    won(world.partner, "500", days_ago=80, name="Earlier Customer")
    won(world.other_partner, "700", days_ago=0, name="Other Partner Customer")
    period = this_month(world)
    url = get("deals.revenue_won").list_url(period, world.partner.pk)
    html = body(host_client(world.host, world.members[Role.PROGRAM_LEADER]).get(url))
    assert "?e=1" not in html
    assert reverse("admin:deals_deal_change", args=[counted.pk]) in html
    assert "Earlier Customer" not in html
    assert "Other Partner Customer" not in html
    listed = body(
        host_client(world.host, world.members[Role.PROGRAM_LEADER]).get(
            METRIC.format("deals.revenue_won")
        )
    )
    assert url.replace("&", "&amp;") in listed


@pytest.mark.django_db
def test_a_zero_ratio_still_links_to_the_records_behind_it(world, host_client):
    """A 0% win rate is made of closed deals: the partner's row links to them."""
    lost = won(world.partner, "800", days_ago=0, name="Lost Customer")
    Deal.objects.filter(pk=lost.pk).update(status=Deal.Status.LOST, won_amount=None)
    url = get("deals.win_rate").list_url(this_month(world), world.partner.pk)
    listed = body(
        host_client(world.host, world.members[Role.PROGRAM_LEADER]).get(
            METRIC.format("deals.win_rate")
        )
    )
    assert "0%" in listed
    assert url.replace("&", "&amp;") in listed


@pytest.mark.django_db
def test_breakdowns_are_the_engines_groups(world):
    """The breakdowns, merged from each partner's rows, read what the engine's SQL grouping by
    region and tier reads (ratios of sums, not averages of partners' ratios)."""
    from prm.metrics.engine import BY_REGION, BY_TIER

    with scope(tenant=world.tenant):
        Partner = type(world.partner)
        Partner.objects.filter(pk=world.partner.pk).update(region="emea", tier=world.tier)
        Partner.objects.filter(pk=world.other_partner.pk).update(region="emea", tier=None)
        third = PartnerFactory(tenant=world.tenant, name="Third partner", region="apac")
        won(world.partner, "1000", days_ago=0)
        won(world.partner, "3000", days_ago=0)
        won(world.other_partner, "2500", days_ago=0)
        lost = DealFactory(partner=world.other_partner)
        Deal.objects.filter(pk=lost.pk).update(
            status=Deal.Status.LOST, closed_on=tenant_today(world.tenant)
        )
        won(third, "400", days_ago=0)
        options = D.options_for(world.tenant)
        from django.http import QueryDict

        filters = D.read_filters(QueryDict(""), world.tenant, options)
        partners = Partner.objects.filter(tenant=world.tenant)
        dashboard = D.build(world.tenant, partners, filters, options)
        period = filters.period
        for kind, grouping in (("region", BY_REGION), ("tier", BY_TIER)):
            table = evaluate(world.tenant, [get(n) for n in D.BREAKDOWN], [period], by=grouping)
            keys = {k for n in D.BREAKDOWN for k in table.groups(n, period)}
            # a partner without a region is grouped under "" in SQL, under None on the page
            expected = {
                key or None: {n: table.get(n, period, key) for n in D.BREAKDOWN} for key in keys
            }
            shown = {
                g.key: {n: g.values[n] for n in D.BREAKDOWN} for g in dashboard.breakdowns[kind]
            }
            assert shown == expected, kind
        emea = next(g for g in dashboard.breakdowns["region"] if g.key == "emea")
        assert emea.values["deals.win_rate"] == Decimal("75.0")  # 3 won of 4 closed
