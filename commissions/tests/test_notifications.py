"""Who is told what of every commissions event: each event emitted with the data its services
send (`line_event_data`, `statement_event_data`, the declared placeholders), each rule checked
on its own: the recipients, the text, the link, whether an email goes out."""

from typing import Any

import pytest
from django.urls import reverse

from commissions import events
from commissions.events import line_event_data, statement_event_data
from commissions.services.disputes import dispute_event_data
from commissions.setup import commission_settings
from prm.notifications.events import emit, event_type
from prm.notifications.models import EmailOutbox, Notification
from prm.notifications.rules import all_rules

pytestmark = pytest.mark.django_db

LEADER, OPS, CAM = "program_leader", "partner_ops", "cam"
ADMIN, REP = "partner_admin", "partner_rep"


def announce(world, event, subject, data: dict[str, Any], actor_role: str = OPS) -> None:
    # the world's own rows announced some events when it was built: count only this one's
    Notification.objects.filter(tenant=world.tenant, event=event.name).delete()
    emit(
        event.name,
        tenant=world.tenant,
        actor=world.members[actor_role].user,
        subject=subject,
        data=data,
    )


def told(world, event) -> dict[str, Notification]:
    """The notifications of `event`, by the role of who got them (partner A's world)."""
    roles = {m.user_id: role for role, m in world.members.items()}
    roles[world.other_partner_admin.user_id] = "other admin"
    roles[world.other_partner_rep.user_id] = "other rep"
    found = Notification.objects.filter(tenant=world.tenant, event=event.name)
    return {roles[n.recipient_id]: n for n in found}


def emailed(world, role: str) -> int:
    return EmailOutbox.objects.filter(
        tenant=world.tenant, recipient=world.members[role].user
    ).count()


def test_every_commissions_event_has_a_rule_that_links_somewhere():
    rules = [r for r in all_rules() if r.event.startswith("commissions.")]
    covered = {r.event for r in rules}
    declared = {
        e.name
        for e in (
            events.LINE_ACCRUED, events.LINE_REVERSED, events.ADJUSTMENT_POSTED,
            events.STATEMENT_DRAFTED, events.STATEMENT_READY, events.STATEMENT_PAID,
            events.SPIF_EARNED, events.SPIF_WAITING, events.TIER_BONUS_EARNED,
            events.REWARD_GIVEN, events.DISPUTE_RAISED, events.DISPUTE_ANSWERED,
            events.PLAN_CHANGED,
        )
    }  # fmt: skip
    assert declared <= covered
    for rule in rules:
        assert rule.category == "commissions"
        assert rule.link is not None, rule.key
        assert event_type(rule.event).placeholders


def test_a_won_deal_s_commission_tells_the_admins_in_the_portal_only(in_ours):
    world = in_ours
    before = emailed(world, ADMIN)
    announce(world, events.LINE_ACCRUED, world.line, line_event_data(world.line), CAM)
    found = told(world, events.LINE_ACCRUED)
    assert set(found) == {ADMIN}  # the rep owns the deal, but reps do not see earnings here
    note = found[ADMIN]
    assert note.title.startswith("You earned ")
    assert world.won_deal.reference in note.title
    assert note.link == reverse("commissions:line", args=[world.line.pk])
    assert emailed(world, ADMIN) == before


def test_the_deal_s_owner_is_told_when_the_tenant_shows_reps_their_earnings(in_ours):
    world = in_ours
    settings = commission_settings(world.tenant)
    settings.reps_see_earnings = True
    settings.save(update_fields=["reps_see_earnings"])
    announce(world, events.LINE_ACCRUED, world.line, line_event_data(world.line), CAM)
    assert set(told(world, events.LINE_ACCRUED)) == {ADMIN, REP}


def test_a_reversal_tells_why(in_ours):
    world = in_ours
    data = line_event_data(world.line, reason="Deal reopened")
    announce(world, events.LINE_REVERSED, world.line, data, CAM)
    note = told(world, events.LINE_REVERSED)[ADMIN]
    assert "Deal reopened" in note.body


def test_an_adjustment_tells_the_partner_s_admins(in_ours):
    world = in_ours
    line = world.statement.lines.get()
    announce(world, events.ADJUSTMENT_POSTED, line, line_event_data(line, reason="Rounding"))
    found = told(world, events.ADJUSTMENT_POSTED)
    assert set(found) == {ADMIN}
    assert "Rounding" in found[ADMIN].body


def test_a_drafted_statement_asks_partner_operations(in_ours):
    world = in_ours
    data = statement_event_data(world.statement)
    announce(world, events.STATEMENT_DRAFTED, world.statement, data, LEADER)
    found = told(world, events.STATEMENT_DRAFTED)
    assert set(found) == {OPS}
    assert world.statement.reference in found[OPS].title


def test_a_ready_statement_and_its_payment_tell_the_partner_s_admins(in_ours):
    world = in_ours
    ready = statement_event_data(world.statement, payout_on="15 Jan 2027")
    announce(world, events.STATEMENT_READY, world.statement, ready)
    found = told(world, events.STATEMENT_READY)
    assert set(found) == {ADMIN}
    assert "15 Jan 2027" in found[ADMIN].body
    assert found[ADMIN].link  # the statement's page, or the money view before it exists
    paid = statement_event_data(world.statement, paid_on="16 Jan 2027", reference="PAY-1")
    announce(world, events.STATEMENT_PAID, world.statement, paid)
    found = told(world, events.STATEMENT_PAID)
    assert set(found) == {ADMIN}
    assert "PAY-1" in found[ADMIN].body
    assert emailed(world, ADMIN) >= 2


def spif_data(world) -> dict[str, Any]:
    award = world.spif_award
    return {
        "campaign": award.campaign.name,
        "partner": world.partner.name,
        "partner_id": world.partner.pk,
        "amount": "€500.00",
        "deal": world.won_deal.reference,
    }


def test_a_spif_earned_tells_the_admins(in_ours):
    world = in_ours
    announce(world, events.SPIF_EARNED, world.spif_award, spif_data(world))
    found = told(world, events.SPIF_EARNED)
    assert set(found) == {ADMIN}
    assert world.spif.name in found[ADMIN].title


def test_a_spif_waiting_asks_partner_operations(in_ours):
    world = in_ours
    announce(world, events.SPIF_WAITING, world.spif_award, spif_data(world), CAM)
    assert set(told(world, events.SPIF_WAITING)) == {OPS}


def test_a_tier_bonus_and_a_reward_tell_the_admins(in_ours):
    world = in_ours
    bonus = {
        "bonus": world.tier_bonus.name, "partner": world.partner.name,
        "partner_id": world.partner.pk, "amount": "€1,000.00", "period": "Q3 2026",
    }  # fmt: skip
    announce(world, events.TIER_BONUS_EARNED, world.tier_bonus, bonus)
    assert set(told(world, events.TIER_BONUS_EARNED)) == {ADMIN}
    reward = {
        "partner": world.partner.name, "partner_id": world.partner.pk,
        "title": world.reward.title, "kind": "Recognition",
    }  # fmt: skip
    announce(world, events.REWARD_GIVEN, world.reward, reward)
    found = told(world, events.REWARD_GIVEN)
    assert set(found) == {ADMIN}
    assert found[ADMIN].title == world.reward.title


def test_a_question_tells_the_partner_s_cams_and_partner_operations(in_ours):
    world = in_ours
    data = {**dispute_event_data(world.dispute), "message": "Why 10%?"}
    announce(world, events.DISPUTE_RAISED, world.dispute, data, ADMIN)
    found = told(world, events.DISPUTE_RAISED)
    assert set(found) == {CAM, OPS}
    assert found[CAM].message == "Why 10%?"
    assert found[OPS].link == reverse("admin:commissions_dispute_change", args=[world.dispute.pk])


def test_an_answer_tells_the_partner_s_admins_and_who_asked(in_ours):
    world = in_ours
    data = {**dispute_event_data(world.dispute), "message": "Reseller rate."}
    announce(world, events.DISPUTE_ANSWERED, world.dispute, data, OPS)
    found = told(world, events.DISPUTE_ANSWERED)
    assert set(found) == {ADMIN}
    assert found[ADMIN].link == reverse("commissions:line", args=[world.line.pk])
    assert found[ADMIN].message == "Reseller rate."


def test_a_plan_change_tells_the_admins_of_the_partner_named(in_ours):
    world = in_ours
    data = {
        "plan": world.commission_plan.name, "effective_from": "1 Jan 2027",
        "partner": world.partner.name, "partner_id": world.partner.pk,
        "note": "Resellers earn 12%.",
    }  # fmt: skip
    announce(world, events.PLAN_CHANGED, world.plan_version, data)
    found = told(world, events.PLAN_CHANGED)
    assert set(found) == {ADMIN}
    assert "Resellers earn 12%." in found[ADMIN].body
    assert found[ADMIN].link == reverse("commissions:money")
