"""SPIF awards on a win: the campaigns a won deal earns (period, segment, rule, currency), what
they pay, the budget cap, automatic or signed off, once per deal; withdrawn when the deal is
reopened or lost after being won, their reservation given back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissions.incentives import spifs
from commissions.models import Line, SpifAward, SpifCampaign
from commissions.tests.factories import spif_row
from deals import services as deal_services
from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.models import Segment
from prm.audit.models import AuditEvent
from prm.notifications.events import emit
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(ours):
    return ours.members[Role.PROGRAM_LEADER]


def approved_deal(world, rep, amount="40000", **fields):
    now = timezone.now()
    return DealFactory(
        partner=world.partner,
        owner=rep,
        status=Deal.Status.APPROVED,
        holds_claim=True,
        amount=Decimal(amount),
        approved_at=now,
        expires_at=now + timedelta(days=30),
        **fields,
    )


def win(deal, cam, amount="40000", closed_on=None):
    return deal_services.deal_mark_won(
        actor=cam, deal=deal, amount=Decimal(amount), closed_on=closed_on or timezone.localdate()
    )


def awards_of(deal):
    return list(SpifAward.objects.filter(deal=deal).select_related("line", "campaign"))


def test_an_automatic_campaign_pays_a_won_deal_above_its_threshold_at_once(in_ours, rep, cam):
    campaign = in_ours.spif  # 500 per won deal above 10,000; automatic
    before = campaign.awarded
    won = win(approved_deal(in_ours, rep), cam, "40000")
    [award] = awards_of(won)
    assert award.status == SpifAward.Status.APPLIED
    assert award.amount == award.reserved == Decimal("500.00")
    line = award.line
    assert line.source == Line.Source.SPIF
    assert line.key == f"spif:{award.pk}"
    assert line.state == Line.State.PENDING
    assert line.earned_on == won.closed_on
    assert line.owner == rep
    assert line.deal == won
    campaign.refresh_from_db()
    assert campaign.awarded == before + Decimal("500.00")
    assert AuditEvent.objects.filter(action="commissions.spif.earned", object_id=award.pk).exists()
    # the partner's admins hear of it
    assert Notification.objects.filter(
        recipient__memberships__partner=in_ours.partner, title__contains=campaign.name
    ).exists()


def test_a_deal_at_or_below_the_threshold_or_in_another_currency_earns_nothing(in_ours, rep, cam):
    at = win(approved_deal(in_ours, rep), cam, "10000")
    assert awards_of(at) == []
    other = "EUR" if in_ours.tenant.default_currency != "EUR" else "USD"
    foreign = win(approved_deal(in_ours, rep, currency=other), cam, "90000")
    assert awards_of(foreign) == []


def test_a_deal_won_outside_the_period_earns_nothing(in_ours, rep, cam):
    campaign = in_ours.spif
    won = win(
        approved_deal(in_ours, rep), cam, "40000", closed_on=campaign.starts_on - timedelta(1)
    )
    assert awards_of(won) == []


def test_the_won_event_delivered_three_times_awards_once(in_ours, rep, cam):
    won = win(approved_deal(in_ours, rep), cam)
    for _ in range(2):
        emit("deals.deal.won", tenant=in_ours.tenant, actor=cam.user, subject=won,
             data={"revision": won.close_revision})  # fmt: skip
    assert len(awards_of(won)) == 1
    assert Line.objects.filter(deal=won, source=Line.Source.SPIF).count() == 1


def test_a_product_campaign_pays_a_percent_of_the_final_amount(in_ours, rep, cam):
    campaign = spif_row(
        in_ours.tenant,
        "Product push",
        rule=SpifCampaign.Rule.PRODUCT,
        product=in_ours.product,
        threshold=None,
        reward=SpifCampaign.Reward.PERCENT,
        amount=None,
        rate=Decimal("2.5"),
        budget=Decimal("100000"),
    )
    deal = approved_deal(in_ours, rep)
    deal.products.add(in_ours.product)
    won = win(deal, cam, "33333.33")
    award = SpifAward.objects.get(deal=won, campaign=campaign)
    assert award.amount == Decimal("833.33")  # quantized once
    without = win(approved_deal(in_ours, rep), cam, "33333.33")
    assert not SpifAward.objects.filter(deal=without, campaign=campaign).exists()


def test_a_campaign_for_a_segment_pays_only_its_partners(in_ours, rep, cam):
    segment = Segment.objects.create(tenant=in_ours.tenant, name="Far away", regions=["Nowhere"])
    campaign = spif_row(in_ours.tenant, "Segment only", segment=segment)
    won = win(approved_deal(in_ours, rep), cam)
    assert not SpifAward.objects.filter(deal=won, campaign=campaign).exists()


def test_the_first_deal_campaign_pays_a_new_partners_first_win_only(in_ours, rep, cam):
    partner = in_ours.partner
    partner.joined_on = timezone.localdate() - timedelta(days=30)
    partner.save(update_fields=["joined_on"])
    campaign = spif_row(
        in_ours.tenant, "Welcome", rule=SpifCampaign.Rule.FIRST_DEAL, threshold=None
    )
    Deal.objects.filter(partner=partner, status=Deal.Status.WON).exclude(pk__in=[]).update(
        status=Deal.Status.LOST
    )  # the world's wins set aside: this is its first
    first = win(approved_deal(in_ours, rep), cam)
    assert SpifAward.objects.filter(deal=first, campaign=campaign).exists()
    second = win(approved_deal(in_ours, rep), cam)
    assert not SpifAward.objects.filter(deal=second, campaign=campaign).exists()


def test_an_old_partners_first_win_does_not_earn_the_first_deal_campaign(in_ours, rep, cam):
    partner = in_ours.partner
    partner.joined_on = timezone.localdate() - timedelta(days=400)
    partner.save(update_fields=["joined_on"])
    Deal.objects.filter(partner=partner, status=Deal.Status.WON).update(status=Deal.Status.LOST)
    campaign = spif_row(
        in_ours.tenant, "Welcome", rule=SpifCampaign.Rule.FIRST_DEAL, threshold=None
    )
    won = win(approved_deal(in_ours, rep), cam)
    assert not SpifAward.objects.filter(deal=won, campaign=campaign).exists()


def test_an_award_that_does_not_fit_the_budget_is_not_made_and_says_why(in_ours, rep, cam):
    campaign = spif_row(in_ours.tenant, "Small", budget=Decimal("700"), amount=Decimal("500"))
    first = win(approved_deal(in_ours, rep), cam)
    second = win(approved_deal(in_ours, rep), cam)
    assert SpifAward.objects.filter(deal=first, campaign=campaign).exists()
    assert not SpifAward.objects.filter(deal=second, campaign=campaign).exists()
    campaign.refresh_from_db()
    assert campaign.awarded == Decimal("500.00")
    refusal = AuditEvent.objects.get(action="commissions.spif.over_budget", object_id=campaign.pk)
    assert second.reference in refusal.reason


def test_a_manual_campaign_queues_the_award_and_asks_partner_operations(in_ours, rep, cam, ops):
    campaign = spif_row(in_ours.tenant, "Signed", sign_off=SpifCampaign.SignOff.MANUAL)
    won = win(approved_deal(in_ours, rep), cam)
    award = SpifAward.objects.get(deal=won, campaign=campaign)
    assert award.status == SpifAward.Status.WAITING
    assert award.line is None
    assert award.reserved == Decimal("500.00")
    assert Notification.objects.filter(recipient=ops.user, title__contains="SPIF award").exists()


def test_reopening_a_won_deal_reverses_the_award_and_gives_the_budget_back(
    in_ours, rep, cam, leader
):
    campaign = in_ours.spif
    before = campaign.awarded
    won = win(approved_deal(in_ours, rep), cam)
    [award] = awards_of(won)
    deal_services.deal_reopen(actor=leader, deal=won, reason="Signed the wrong order form")
    award.refresh_from_db()
    assert award.status == SpifAward.Status.DECLINED
    assert award.reserved == 0
    assert "reopened" in award.reason
    reversal = Line.objects.get(reverses=award.line)
    assert reversal.amount == -award.amount
    campaign.refresh_from_db()
    assert campaign.awarded == before
    assert AuditEvent.objects.filter(
        action="commissions.spif.withdrawn", object_id=award.pk
    ).exists()


def test_losing_a_won_deal_declines_its_waiting_award(in_ours, rep, cam, leader):
    campaign = spif_row(in_ours.tenant, "Signed", sign_off=SpifCampaign.SignOff.MANUAL)
    won = win(approved_deal(in_ours, rep), cam)
    deal_services.deal_mark_lost(actor=leader, deal=won, reason="Customer cancelled")
    award = SpifAward.objects.get(deal=won, campaign=campaign)
    assert award.status == SpifAward.Status.DECLINED
    assert award.line is None
    campaign.refresh_from_db()
    assert campaign.awarded == 0


def test_awarded_is_always_what_the_standing_awards_reserve(in_ours, rep, cam, leader):
    campaign = spif_row(in_ours.tenant, "Tally", budget=Decimal("2000"))
    deals = [win(approved_deal(in_ours, rep), cam) for _ in range(3)]
    deal_services.deal_reopen(actor=leader, deal=deals[0], reason="Wrong deal")
    campaign.refresh_from_db()
    reserved = sum(a.reserved for a in SpifAward.objects.filter(campaign=campaign))
    assert campaign.awarded == reserved == Decimal("1000.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rule": "product", "product": None}, "product"),
        ({"rule": "threshold", "threshold": None}, "threshold"),
        ({"reward": "fixed", "amount": None}, "amount"),
        ({"reward": "percent", "rate": None, "amount": None}, "rate"),
        ({"reward": "fixed", "amount": Decimal("9000")}, "amount"),
    ],
)
def test_inconsistent_campaigns_are_said_beside_their_field(changes, field):
    values = {
        "rule": "threshold",
        "product": None,
        "threshold": Decimal("100"),
        "reward": "fixed",
        "amount": Decimal("50"),
        "rate": None,
        "starts_on": None,
        "ends_on": None,
        "budget": Decimal("5000"),
        **changes,
    }
    assert field in spifs.campaign_problems(**values)
