"""The money sources: the commissions ledger and MDF claims, each summed in one grouped query
by kind, state and currency, and the next payout."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissions import ledger
from commissions.earnings import (
    ADJUSTMENTS,
    COMMISSIONS,
    SPIFS,
    commission_earnings,
    commission_next_payout,
    payout_day_from,
)
from commissions.models import Line, Statement
from commissions.tests.factories import line_row, won_deal_row
from mdf.earnings import REIMBURSEMENTS, mdf_earnings
from mdf.models import Claim, MdfRequest
from mdf.tests.factories import claim_row, request_row
from prm.earnings import APPROVED, PAID, PENDING, earnings_of, money_sources, totals_by_state
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def as_dict(earnings) -> dict[tuple[str, str, str], Decimal]:
    return {(str(e.kind), e.state, e.currency): e.amount for e in earnings}


def test_both_apps_feed_the_registry():
    names = [s.name for s in money_sources()]
    assert names.index("commissions") < names.index("mdf")


def test_the_ledger_reads_by_kind_and_state_in_one_query(in_ours, django_assert_num_queries):
    world = in_ours
    eur = world.tenant.default_currency
    line_row(world.partner, "300", source=Line.Source.SPIF, state=Line.State.PENDING)
    line_row(world.partner, "-50", state=Line.State.APPROVED)
    with django_assert_num_queries(1):
        found = as_dict(commission_earnings(world.tenant, world.partner.pk, None))
    assert found == {
        (str(COMMISSIONS), PENDING, eur): world.line.amount,
        # the approved statement's line (not paid yet) and the new adjustment
        (str(ADJUSTMENTS), APPROVED, eur): Decimal("1150.00"),
        (str(SPIFS), PENDING, eur): Decimal("300.00"),
    }


def test_a_paid_statement_s_lines_are_paid(in_ours):
    world = in_ours
    Statement.objects.filter(pk=world.statement.pk).update(status=Statement.Status.PAID)
    Line.objects.filter(statement=world.statement).update(state=Line.State.PAID)
    found = as_dict(commission_earnings(world.tenant, world.partner.pk, None))
    assert found[(str(ADJUSTMENTS), PAID, world.tenant.default_currency)] == Decimal("1200.00")


def test_a_reversed_deal_nets_to_zero_under_commissions(in_ours):
    world = in_ours
    ledger.reverse(line=world.line, actor=None, reason="Reopened")
    earnings = earnings_of(world.tenant, world.partner.pk)
    assert str(COMMISSIONS) not in {str(e.kind) for e in earnings}


def test_a_clawback_counts_under_the_kind_of_the_line_it_reverses(in_ours):
    world = in_ours
    on_statement = world.statement.lines.get()
    clawback = ledger.reverse(line=on_statement, actor=None, reason="Paid twice")
    assert clawback.source == Line.Source.CLAWBACK
    found = as_dict(commission_earnings(world.tenant, world.partner.pk, None))
    # +1,200 on the statement and -1,200 approved for the next one: nothing left approved
    assert found[(str(ADJUSTMENTS), APPROVED, world.tenant.default_currency)] == 0
    deal = won_deal_row(world.partner, world.members[Role.PARTNER_REP], amount="1000")
    paid = line_row(
        world.partner, "70", source=Line.Source.DEAL, deal=deal, state=Line.State.APPROVED
    )
    ledger.reverse(line=paid, actor=None, reason="Returned")
    found = as_dict(commission_earnings(world.tenant, world.partner.pk, None))
    assert found[(str(COMMISSIONS), APPROVED, world.tenant.default_currency)] == 0


def test_currencies_are_never_added(in_ours):
    world = in_ours
    line_row(
        world.partner, "99", currency="USD" if world.tenant.default_currency != "USD" else "GBP"
    )
    totals = totals_by_state(earnings_of(world.tenant, world.partner.pk))
    assert len(totals["approved"]) == 2


def test_a_rep_reads_only_the_lines_of_their_own_deals(in_ours):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    found = as_dict(commission_earnings(world.tenant, world.partner.pk, rep.pk))
    assert found == {(str(COMMISSIONS), PENDING, world.tenant.default_currency): world.line.amount}
    admin = world.members[Role.PARTNER_ADMIN]
    assert commission_earnings(world.tenant, world.partner.pk, admin.pk) == []


def test_another_partner_s_lines_are_not_counted(in_ours):
    world = in_ours
    found = as_dict(commission_earnings(world.tenant, world.other_partner.pk, None))
    assert found[(str(COMMISSIONS), PENDING, world.tenant.default_currency)] == (
        world.other_line.amount
    )
    assert (str(ADJUSTMENTS), APPROVED, world.tenant.default_currency) in found
    assert sum(found.values()) == world.other_line.amount + Decimal("800")


@pytest.mark.parametrize(
    ("today", "day", "expected"),
    [
        (date(2026, 3, 10), 15, date(2026, 3, 15)),
        (date(2026, 3, 15), 15, date(2026, 3, 15)),
        (date(2026, 3, 16), 15, date(2026, 4, 15)),
        (date(2026, 12, 20), 1, date(2027, 1, 1)),
    ],
)
def test_the_payout_day_is_the_next_one_on_or_after_today(today, day, expected):
    assert payout_day_from(today, day) == expected


def test_the_next_payout_comes_when_money_is_approved(in_ours):
    world = in_ours
    # partner A's statement is approved and not paid
    day = commission_next_payout(world.tenant, world.partner.pk)
    assert day is not None
    assert day >= timezone.localdate() - timedelta(days=1)
    assert day.day == world.commission_settings.payout_day
    Statement.objects.filter(pk=world.statement.pk).update(status=Statement.Status.PAID)
    Line.objects.filter(statement=world.statement).update(state=Line.State.PAID)
    assert commission_next_payout(world.tenant, world.partner.pk) is None
    line_row(world.partner, "10", state=Line.State.APPROVED)
    assert commission_next_payout(world.tenant, world.partner.pk) == day


def test_mdf_claims_read_as_pending_approved_and_paid(in_ours, django_assert_num_queries):
    world = in_ours
    currency = world.fund.currency
    paid_for = request_row(
        world.allocation, world.members[Role.PARTNER_REP], status=MdfRequest.Status.APPROVED,
        amount="700",
    )  # fmt: skip
    claim_row(paid_for, world.members[Role.PARTNER_REP], status=Claim.Status.PAID, approved="650")
    with django_assert_num_queries(1):
        found = as_dict(mdf_earnings(world.tenant, world.partner.pk, None))
    kind = str(REIMBURSEMENTS)
    assert found == {
        (kind, PENDING, currency): world.claim.actual_spend,
        (kind, APPROVED, currency): world.due_claim.approved_amount,
        (kind, PAID, currency): Decimal("650.00"),
    }


def test_a_rep_s_mdf_money_is_their_own_claims_when_reps_may_request(in_ours):
    world = in_ours
    rep, admin = world.members[Role.PARTNER_REP], world.members[Role.PARTNER_ADMIN]
    assert mdf_earnings(world.tenant, world.partner.pk, rep.pk)
    assert mdf_earnings(world.tenant, world.partner.pk, admin.pk) == []
    world.mdf_settings.reps_may_request = False
    world.mdf_settings.save(update_fields=["reps_may_request"])
    assert mdf_earnings(world.tenant, world.partner.pk, rep.pk) == []


def test_drafts_and_rejected_claims_owe_nothing(in_ours):
    world = in_ours
    Claim.objects.filter(pk=world.claim.pk).update(status=Claim.Status.REJECTED)
    found = as_dict(mdf_earnings(world.tenant, world.partner.pk, None))
    assert (str(REIMBURSEMENTS), PENDING, world.fund.currency) not in found
