"""The partner scorecard: a partner admin's company figures against the tier's median and top
quartile (only with at least 5 partners in the tier), the trend, the tier path and the
highlights; a rep's own figures only; who may open it."""

from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.models import Partner
from partners.tests.factories import PartnerFactory
from prm.metrics.registry import get
from prm.money import format_money
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from reporting.scorecard import (
    MIN_PEERS,
    Benchmark,
    benchmark,
    percentile,
    scorecard_of,
    tier_peer_ids,
)

pytestmark = pytest.mark.django_db

URL = "/scorecard/"


def _won(partner, owner, amount, *, days_ago=1):
    now = timezone.now()
    return DealFactory(
        partner=partner,
        owner=owner,
        status=Deal.Status.WON,
        amount=Decimal(amount),
        won_amount=Decimal(amount),
        currency=partner.tenant.default_currency,
        submitted_at=now - timedelta(days=days_ago + 1),
        closed_on=timezone.localdate() - timedelta(days=days_ago),
    )


def _tier_of(world, size):
    """Partner A in the world's tier with `size - 1` other active partners (B stays out), each
    with a won deal of a different amount; partner A's is 500."""
    world.partner.tier = world.tier
    world.partner.save(update_fields=["tier"])
    others = []
    for i in range(size - 1):
        other = PartnerFactory(tenant=world.tenant, tier=world.tier)
        _won(other, partner_membership(other), str(100 * (i + 1)) + ".00")
        others.append(other)
    _won(world.partner, world.members[Role.PARTNER_ADMIN], "500.00")
    return others


# -- the benchmark's arithmetic -------------------------------------------------------------------


def test_percentiles_interpolate_as_postgresql_does():
    values = [Decimal(v) for v in (1, 2, 3, 4)]
    assert percentile(values, Decimal("0.5")) == Decimal("2.5")
    assert percentile(values, Decimal("0.75")) == Decimal("3.25")
    assert percentile([Decimal(7)], Decimal("0.75")) == 7


def test_the_sentence_says_where_the_partner_stands():
    revenue = get("deals.revenue_won")
    values = [Decimal(v) for v in (100, 200, 300, 400, 500)]
    top = benchmark(revenue, Decimal(500), values, "EUR")
    assert isinstance(top, Benchmark)
    assert (top.median, top.top_quartile) == (Decimal("300.00"), Decimal("400.00"))
    assert top.sentence == "In your tier's top quartile"
    assert benchmark(revenue, Decimal(350), values, "EUR").sentence == "Above your tier's median"
    assert benchmark(revenue, Decimal(300), values, "EUR").sentence == "At your tier's median"
    assert benchmark(revenue, Decimal(100), values, "EUR").sentence == "Below your tier's median"


def test_lower_is_better_turns_the_top_quartile_round():
    days = get("deals.days_to_close")
    values = [Decimal(v) for v in (10, 20, 30, 40, 50)]
    found = benchmark(days, Decimal(10), values, "EUR")
    assert found.top_quartile == Decimal("20.0")
    assert found.sentence == "In your tier's top quartile"
    assert benchmark(days, Decimal(45), values, "EUR").sentence == "Below your tier's median"


def test_fewer_values_than_the_minimum_give_a_note_not_a_figure():
    values = [Decimal(v) for v in range(MIN_PEERS - 1)]
    found = benchmark(get("deals.win_rate"), Decimal(1), values, "EUR")
    assert isinstance(found, str)


# -- the 5-partner rule ---------------------------------------------------------------------------


def test_four_partners_in_the_tier_show_no_benchmark(world, host_client):
    _tier_of(world, 4)
    assert len(tier_peer_ids(world.partner)) == 4
    card = scorecard_of(world.members[Role.PARTNER_ADMIN])
    assert card.tier_note == "Your tier has too few partners to compare against."
    assert all(k.benchmark is None for k in card.kpis)

    response = host_client(world.host, world.members[Role.PARTNER_ADMIN]).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your tier has too few partners to compare against." in body
    assert "Tier median" not in body
    # none of the other partners' amounts shows up (100, 200, 300)
    assert "100.00" not in body
    assert "300.00" not in body


def test_five_partners_in_the_tier_show_the_median_and_top_quartile(world, host_client):
    _tier_of(world, 5)
    card = scorecard_of(world.members[Role.PARTNER_ADMIN])
    assert card.tier_note == ""
    revenue = next(k for k in card.kpis if k.metric.name == "deals.revenue_won")
    assert revenue.value == Decimal("500.00")
    # the tier: 100, 200, 300, 400 and ours, 500
    assert revenue.benchmark.median == Decimal("300.00")
    assert revenue.benchmark.top_quartile == Decimal("400.00")
    assert revenue.benchmark.sentence == "In your tier's top quartile"

    response = host_client(world.host, world.members[Role.PARTNER_ADMIN]).get(URL)
    body = response.content.decode()
    assert "Tier median" in body
    assert "In your tier&#x27;s top quartile" in body


def test_inactive_partners_do_not_count_towards_the_five(world):
    others = _tier_of(world, 5)
    Partner.objects.filter(pk=others[0].pk).update(status=Partner.Status.INACTIVE)
    assert len(tier_peer_ids(world.partner)) == 4
    assert scorecard_of(world.members[Role.PARTNER_ADMIN]).tier_note


def test_a_metric_only_few_partners_have_gets_no_benchmark(world):
    """Five partners, but only ours has a win rate: a median of it would be ours alone."""
    _tier_of(world, 5)
    Deal.objects.filter(tenant=world.tenant).exclude(partner=world.partner).update(
        status=Deal.Status.APPROVED
    )
    card = scorecard_of(world.members[Role.PARTNER_ADMIN])
    win_rate = next(k for k in card.kpis if k.metric.name == "deals.win_rate")
    assert win_rate.benchmark is None
    assert win_rate.note


def test_a_partner_without_a_tier_is_told_so(world):
    world.partner.tier = None
    world.partner.save(update_fields=["tier"])
    card = scorecard_of(world.members[Role.PARTNER_ADMIN])
    assert "no tier" in card.tier_note


# -- a rep sees their own -------------------------------------------------------------------------


def test_a_rep_sees_only_their_own_registrations(world, host_client):
    rep = world.members[Role.PARTNER_REP]
    _won(world.partner, rep, "1234.00")
    _won(world.partner, world.members[Role.PARTNER_ADMIN], "9876.00")
    _tier_of(world, 5)
    card = scorecard_of(rep)
    assert not card.company
    figures = {k.metric.name: k.value for k in card.kpis}
    assert figures["deals.revenue_won"] == Decimal("1234.00")
    assert figures["deals.won"] == 1
    assert "mdf.utilisation" not in figures
    assert "commissions.earned" not in figures
    assert all(k.benchmark is None for k in card.kpis)
    assert sum(r.revenue or 0 for r in card.trend) == Decimal("1234.00")

    body = host_client(world.host, rep).get(URL).content.decode()
    assert "9,876" not in body
    assert "10,376" not in body
    assert "11,110" not in body
    assert "1,234" in body
    assert "Tier median" not in body


def test_the_admin_sees_the_company_s_figures_and_trend(world, host_client):
    _won(world.partner, world.members[Role.PARTNER_REP], "1234.00")
    _won(world.partner, world.members[Role.PARTNER_ADMIN], "1000.00", days_ago=40)
    card = scorecard_of(world.members[Role.PARTNER_ADMIN], span="year")
    assert card.company
    assert card.span == "year"
    assert sum(r.revenue or 0 for r in card.trend) == Decimal("2234.00")
    revenue = next(k for k in card.kpis if k.metric.name == "deals.revenue_won")
    assert len(revenue.spark) == 12
    assert sum(v or 0 for v in revenue.spark) == Decimal("2234.00")


def test_a_bad_period_is_ignored(world, host_client):
    client = host_client(world.host, world.members[Role.PARTNER_ADMIN])
    for bad in ("decade", "\x00", "month" * 50):
        response = client.get(URL, {"span": bad})
        assert response.status_code == 200
        assert response.context["card"].span == "quarter"
    assert client.get(URL, {"span": "month"}).context["card"].span == "month"


# -- highlights -----------------------------------------------------------------------------------


def test_highlights_say_only_what_holds(world):
    admin = world.members[Role.PARTNER_ADMIN]
    card = scorecard_of(admin)
    assert not any(h.key == "highlight-expiring" for h in card.highlights)
    now = timezone.now()
    DealFactory(
        partner=world.partner,
        owner=admin,
        status=Deal.Status.APPROVED,
        submitted_at=now - timedelta(days=20),
        approved_at=now - timedelta(days=19),
        expires_at=now + timedelta(days=3),
    )
    DealFactory(partner=world.partner, owner=admin, status=Deal.Status.SUBMITTED, submitted_at=now)
    found = {h.key: h for h in scorecard_of(admin).highlights}
    assert found["highlight-expiring"].text.startswith("1 deal's protection ends within")
    assert found["highlight-expiring"].url.startswith("/deals/")
    assert found["highlight-waiting"].text == "1 registration waiting for a decision"
    assert found["highlight-waiting"].url == "/deals/?status=submitted"


# -- who may open it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROGRAM_LEADER, Role.PARTNER_OPS, Role.CAM])
def test_vendor_staff_have_no_portal_scorecard(ours, host_client, role):
    response = host_client(ours.host, ours.members[role]).get(URL)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert URL not in response["Location"]


def test_another_tenant_s_host_answers_404(ours, theirs, host_client):
    response = host_client(theirs.host, ours.members[Role.PARTNER_ADMIN]).get(URL)
    assert response.status_code in (302, 404)


def test_the_nav_leads_to_the_scorecard(ours, host_client):
    body = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/").content.decode()
    assert 'href="/scorecard/"' in body


# -- charts -------------------------------------------------------------------------------------


def test_the_trend_and_every_card_are_drawn_with_their_text_alternative(world, host_client):
    _won(world.partner, world.members[Role.PARTNER_REP], "1234.00")
    card = scorecard_of(world.members[Role.PARTNER_ADMIN])
    assert card.trend_chart is not None
    assert not card.trend_chart.is_empty
    assert all(k.sparkline is not None for k in card.kpis)

    body = host_client(world.host, world.members[Role.PARTNER_ADMIN]).get(URL).content.decode()
    trend = body[body.index('id="scorecard-trend"') :]
    svg = trend[trend.index("<svg") : trend.index("</svg>") + len("</svg>")]
    root = ElementTree.fromstring(svg)
    titles = [e.text for e in root.iter() if e.tag.endswith("title")]
    assert "Revenue won and pipeline registered by month" in titles
    # the data table behind it, with the month's figure as the page writes it
    assert "The figures as a table" in trend
    assert format_money(Decimal("1234.00"), world.tenant.default_currency) in trend
    assert body.count('class="scorecard-spark') == len(card.kpis)
