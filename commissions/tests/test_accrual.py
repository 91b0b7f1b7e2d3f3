"""Accrual on the deals app's outcome events: one line per won deal, however often the event
comes; reversals with their reasons on reopen, on lost-after-won and on a corrected amount;
the version in force on the close date; the partner's tier at the time of the deal."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commissions.ledger import open_lines_of
from commissions.models import Line, PlanVersion, TypeRate
from deals import services as deal_services
from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.models import Tier
from prm.audit.models import AuditEvent
from prm.notifications.events import emit

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(in_ours, rep):
    now = timezone.now()
    return DealFactory(
        partner=in_ours.partner,
        owner=rep,
        status=Deal.Status.APPROVED,
        holds_claim=True,
        amount=Decimal("40000"),
        approved_at=now,
        expires_at=now + timedelta(days=30),
    )


def win(deal, cam, amount="40000", closed_on=None):
    return deal_services.deal_mark_won(
        actor=cam,
        deal=deal,
        amount=Decimal(amount),
        closed_on=closed_on or timezone.localdate(),
    )


def lines(deal):
    # the deal's commission lines (a SPIF campaign of the world may award the deal too)
    return list(Line.objects.filter(deal=deal).exclude(source=Line.Source.SPIF).order_by("id"))


def test_a_won_deal_accrues_one_pending_line_with_how_it_was_worked_out(approved, cam, rep):
    won = win(approved, cam)
    [line] = lines(won)
    assert line.amount == Decimal("4000.00")  # Reseller 10%
    assert line.state == Line.State.PENDING
    assert line.owner == rep
    assert line.plan_version.number == 1
    assert line.partner_type == won.partner.partner_type
    assert Decimal(line.basis["rate"]) == 10
    assert AuditEvent.objects.filter(action="commissions.line.accrued", object_id=line.pk).exists()


def test_the_won_event_delivered_three_times_adds_one_line(approved, cam, in_ours):
    won = win(approved, cam)
    for _ in range(2):
        emit(
            "deals.deal.won",
            tenant=in_ours.tenant,
            actor=cam.user,
            subject=won,
            data={"revision": won.close_revision},
        )
    assert len(lines(won)) == 1


def test_a_second_win_of_a_won_deal_is_refused_and_adds_nothing(approved, cam):
    won = win(approved, cam)
    with pytest.raises(ValidationError):
        win(won, cam)
    assert len(lines(won)) == 1


def test_reopening_a_won_deal_reverses_its_line_with_the_reason(approved, cam):
    won = win(approved, cam)
    reopened = deal_services.deal_reopen(actor=cam, deal=won, reason="Customer cancelled")
    original, reversal = lines(reopened)
    assert reopened.status == Deal.Status.APPROVED
    assert reopened.holds_claim
    assert reversal.reverses == original
    assert reversal.amount == -original.amount
    assert "Customer cancelled" in reversal.reason
    assert not open_lines_of(reopened).exists()
    # won again: a new line under the new revision
    again = win(reopened, cam, amount="30000")
    assert [line.amount for line in lines(again)] == [
        Decimal("4000.00"),
        Decimal("-4000.00"),
        Decimal("3000.00"),
    ]


def test_a_won_deal_lost_after_all_is_reversed(approved, cam):
    won = win(approved, cam)
    lost = deal_services.deal_mark_lost(actor=cam, deal=won, reason="Deal fell through")
    original, reversal = lines(lost)
    assert lost.status == Deal.Status.LOST
    assert reversal.amount == -original.amount
    assert "Deal fell through" in reversal.reason


def test_a_partner_cannot_mark_a_won_deal_lost(approved, cam, rep):
    won = win(approved, cam)
    with pytest.raises(PermissionDenied):
        deal_services.deal_mark_lost(actor=rep, deal=won, reason="Oops")
    assert len(lines(won)) == 1


def test_a_changed_final_amount_reverses_and_accrues_again(approved, cam, in_ours):
    won = win(approved, cam)
    changed = deal_services.deal_change_amount(
        actor=cam, deal=won, amount=Decimal("45000"), reason="Extra licences"
    )
    original, reversal, new = lines(changed)
    assert reversal.reverses == original
    assert new.amount == Decimal("4500.00")
    assert "Extra licences" in reversal.reason
    assert sum(line.amount for line in lines(changed)) == Decimal("4500.00")
    # the correction announced twice changes nothing more
    emit(
        "deals.deal.amount_changed",
        tenant=in_ours.tenant,
        actor=cam.user,
        subject=changed,
        data={"revision": changed.close_revision, "reason": "again"},
    )
    assert len(lines(changed)) == 3


def test_the_same_amount_again_is_refused_beside_the_field(approved, cam):
    won = win(approved, cam)
    with pytest.raises(ValidationError) as refused:
        deal_services.deal_change_amount(
            actor=cam, deal=won, amount=Decimal("40000"), reason="Nothing"
        )
    assert "amount" in refused.value.message_dict


def test_a_deal_won_before_a_plan_change_keeps_the_old_rate(approved, cam, in_ours):
    old = in_ours.plan_version
    new = PlanVersion.objects.create(
        tenant=in_ours.tenant,
        plan=old.plan,
        number=old.plan.versions.count() + 1,
        status=PlanVersion.Status.PUBLISHED,
        effective_from=timezone.localdate() - timedelta(days=5),
        currency="EUR",
    )
    TypeRate.objects.create(
        tenant=in_ours.tenant, version=new, partner_type=in_ours.partner_type, rate=20
    )
    before = win(approved, cam, closed_on=timezone.localdate() - timedelta(days=6))
    [line] = lines(before)
    assert line.plan_version == old
    assert line.amount == Decimal("4000.00")
    after = DealFactory(
        partner=in_ours.partner,
        owner=approved.owner,
        status=Deal.Status.APPROVED,
        amount=Decimal("40000"),
    )
    [new_line] = lines(win(after, cam))
    assert new_line.plan_version == new
    assert new_line.amount == Decimal("8000.00")


def test_the_partners_tier_at_the_time_of_the_deal_counts(approved, cam, in_ours):
    partner = in_ours.partner
    partner.tier = in_ours.tier  # Silver: +5 points
    partner.save(update_fields=["tier"])
    [line] = lines(win(approved, cam))
    assert line.tier == in_ours.tier
    assert line.amount == Decimal("6000.00")  # 15%
    partner.tier = Tier.objects.create(tenant=in_ours.tenant, name="Bronze", rank=1)
    partner.save(update_fields=["tier"])
    line.refresh_from_db()
    assert line.amount == Decimal("6000.00")
    assert line.tier == in_ours.tier


def test_no_plan_in_force_accrues_nothing(approved, cam, in_ours):
    PlanVersion.objects.filter(tenant=in_ours.tenant).update(effective_from=date(2099, 1, 1))
    assert lines(win(approved, cam)) == []


def test_reopening_is_refused_while_another_partner_holds_the_customer(approved, cam, in_ours):
    won = win(approved, cam)
    DealFactory(
        partner=in_ours.other_partner,
        owner=in_ours.other_partner_rep,
        status=Deal.Status.SUBMITTED,
        holds_claim=True,
        customer_name=won.customer_name,
        customer_website=won.customer_website,
        customer_domain=won.customer_domain,
        customer_key=won.customer_key,
    )
    with pytest.raises(ValidationError):
        deal_services.deal_reopen(actor=cam, deal=won, reason="Back on")
    assert len(lines(won)) == 1
