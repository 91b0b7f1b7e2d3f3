"""Tier bonuses: the preview of who meets a rule over an ended period, the post (one approved
line per partner, paid once however often it is run), the tier filter, beat, and the page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.incentives import bonuses
from commissions.models import Line, TierBonusRule
from commissions.tests.factories import tier_bonus_row, won_deal_row
from partners.models import Partner
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

RUN = "/admin/commissions/incentives/tier-bonuses/run/"


@pytest.fixture
def last_quarter():
    return bonuses.last_ended(TierBonusRule.Period.QUARTER, timezone.localdate())


@pytest.fixture
def two_wins(in_ours, rep, last_quarter):
    """Partner A won two deals last quarter; partner B one."""
    day = last_quarter.end - timedelta(days=3)
    won_deal_row(in_ours.partner, rep, closed_on=day)
    won_deal_row(in_ours.partner, rep, closed_on=day)
    won_deal_row(in_ours.other_partner, in_ours.other_partner_rep, closed_on=day)


def test_the_preview_lists_the_partners_meeting_the_threshold(in_ours, two_wins, last_quarter):
    rule = tier_bonus_row(in_ours.tenant, "Two wins", threshold=Decimal("2"))
    rows = bonuses.bonus_preview(tenant=in_ours.tenant, rules=[rule], period=last_quarter)
    assert [(r.partner, r.value, r.paid) for r in rows] == [(in_ours.partner, Decimal(2), False)]


def test_posting_pays_each_partner_once(in_ours, two_wins, last_quarter, ops):
    rule = tier_bonus_row(in_ours.tenant, "One win", threshold=Decimal("1"))
    posted = bonuses.bonus_post(tenant=in_ours.tenant, rules=[rule], period=last_quarter, actor=ops)
    assert {line.partner for line in posted} == {in_ours.partner, in_ours.other_partner}
    line = next(x for x in posted if x.partner == in_ours.partner)
    assert line.source == Line.Source.TIER_BONUS
    assert line.state == Line.State.APPROVED
    assert line.earned_on == last_quarter.end
    assert line.key == f"bonus:{rule.pk}:{in_ours.partner.pk}:{last_quarter.start.isoformat()}"
    assert line.amount == rule.amount
    assert AuditEvent.objects.filter(action="commissions.tier_bonus.earned").count() == 2
    again = bonuses.bonus_post(tenant=in_ours.tenant, rules=[rule], period=last_quarter, actor=ops)
    assert again == []
    assert Line.objects.filter(source=Line.Source.TIER_BONUS, key__startswith="bonus:").count() == 2


def test_a_rule_of_a_tier_pays_only_that_tiers_partners(in_ours, two_wins, last_quarter):
    tier = in_ours.tier
    Partner.objects.filter(pk=in_ours.partner.pk).update(tier=tier)
    Partner.objects.filter(pk=in_ours.other_partner.pk).update(tier=None)
    rule = tier_bonus_row(in_ours.tenant, "Tiered", threshold=Decimal("1"), tier=tier)
    rows = bonuses.bonus_preview(tenant=in_ours.tenant, rules=[rule], period=last_quarter)
    assert {r.partner for r in rows} == {in_ours.partner}


def test_a_period_not_ended_is_refused(in_ours, ops):
    rule = tier_bonus_row(in_ours.tenant, "Now", threshold=Decimal("1"))
    current = bonuses.period_of("quarter", timezone.localdate())
    with pytest.raises(Exception, match="ended"):
        bonuses.bonus_post(tenant=in_ours.tenant, rules=[rule], period=current, actor=ops)


def test_beat_pays_the_period_that_just_ended_once(in_ours, two_wins, last_quarter):
    rule = tier_bonus_row(in_ours.tenant, "Beat", threshold=Decimal("1"))
    TierBonusRule.objects.filter(pk=rule.pk).update(created_at=timezone.now() - timedelta(days=400))
    TierBonusRule.objects.exclude(pk=rule.pk).update(active=False)
    day_after = last_quarter.end + timedelta(days=1)
    assert bonuses.bonuses_run_due(tenant=in_ours.tenant, today=day_after) == 2
    assert bonuses.bonuses_run_due(tenant=in_ours.tenant, today=day_after) == 0
    # weeks later beat leaves the period alone (partner operations may still run it)
    later = last_quarter.end + timedelta(days=bonuses.BEAT_DAYS + 1)
    assert bonuses.bonuses_run_due(tenant=in_ours.tenant, today=later) == 0


def test_beat_does_not_pay_a_period_that_ended_before_the_rule_existed(
    in_ours, two_wins, last_quarter
):
    tier_bonus_row(in_ours.tenant, "New rule", threshold=Decimal("1"))  # created today
    TierBonusRule.objects.filter(name__endswith="top sellers").update(active=False)
    day_after = last_quarter.end + timedelta(days=1)
    assert bonuses.bonuses_run_due(tenant=in_ours.tenant, today=day_after) == 0


def test_the_page_previews_then_pays(ours, host_client, last_quarter):
    with scope(tenant=ours.tenant):
        day = last_quarter.end - timedelta(days=3)
        won_deal_row(ours.partner, ours.members[Role.PARTNER_REP], closed_on=day)
        rule = tier_bonus_row(ours.tenant, "Page", threshold=Decimal("1"))
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert client.get(RUN).status_code == 200
    period = f"quarter:{last_quarter.start.isoformat()}"
    response = client.get(RUN, {"rule": rule.pk, "period": period})
    assert response.status_code == 200
    assert [r.partner.pk for r in response.context["due"]] == [ours.partner.pk]
    with scope(tenant=ours.tenant):
        assert not Line.objects.filter(source=Line.Source.TIER_BONUS).exists()
    response = client.post(RUN, {"rule": rule.pk, "period": period, "pay": "1"})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Line.objects.filter(source=Line.Source.TIER_BONUS, partner=ours.partner).count() == 1
    response = client.get(RUN, {"rule": rule.pk, "period": period})
    assert response.context["due"] == []


def test_a_bad_period_is_refused_beside_the_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(RUN, {"period": "quarter:2999-01-01"})
    assert response.status_code == 200
    assert "period" in response.context["form"].errors


def test_the_rule_form_offers_the_registrys_metrics(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get("/admin/commissions/tierbonusrule/add/")
    choices = dict(response.context["adminform"].form.fields["metric"].choices)
    assert "deals.won" in choices
    response = client.post(
        "/admin/commissions/tierbonusrule/add/",
        {"name": "Bad", "metric": "no.such", "threshold": "1", "period": "quarter",
         "amount": "10", "currency": ours.tenant.default_currency, "active": "on", "tier": ""},
    )  # fmt: skip
    assert "metric" in response.context["adminform"].form.errors


@pytest.mark.parametrize("role", [Role.CAM, Role.PARTNER_ADMIN])
def test_who_may_not_pay_does_not_reach_the_run(ours, host_client, role):
    client = host_client(ours.host, ours.members[role])
    assert client.get(RUN).status_code in (302, 403, 404)
