"""Registering and deciding: claims, conflicts, permissions, reasons, notifications."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deals import services
from deals.conflicts import Outcome, precheck
from deals.models import Deal, DealMatch, DealSettings
from deals.selectors import deal_settings_for, deals_for
from deals.tests.factories import (
    ProductFactory,
    ProtectedAccountFactory,
    RejectReasonFactory,
    deal_input,
    registered,
)
from partners.models import AgreementVersion
from partners.tests.factories import set_partner_settings
from prm.notifications.models import Notification
from prm.tenancy.roles import Role


def test_first_registration_takes_the_claim_and_starts_the_clock(world):
    deal = registered(world.members[Role.PARTNER_REP])
    assert deal.status == Deal.Status.SUBMITTED
    assert deal.holds_claim
    assert deal.customer_domain == "tailspintoys.example"
    assert deal.customer_core == "tailspin toys"
    assert deal.sla_due_at > deal.submitted_at
    assert deal.amount == Decimal("48000.00")


def test_second_partner_on_the_same_customer_is_a_conflict_pointing_at_the_first(world):
    first = registered(world.members[Role.PARTNER_REP])
    second = registered(
        world.other_partner_rep,
        customer_name="TAILSPIN TOYS",
        customer_website="shop.tailspintoys.example",
    )
    assert not second.holds_claim
    assert second.conflict_with == first
    match = second.matches.get()
    assert match.kind == DealMatch.Kind.REGISTRATION
    assert match.matched_deal == first
    assert match.on_domain
    assert match.is_strong
    cam_titles = Notification.objects.filter(recipient=world.members[Role.CAM].user).values_list(
        "title", flat=True
    )
    # The CAM manages partner A only; B's conflict is for B's CAMs (none here).
    assert not any("Conflict" in t for t in cam_titles)


def test_conflict_on_a_managed_partner_tells_its_cam(world):
    registered(world.other_partner_rep)
    registered(world.members[Role.PARTNER_REP], customer_website="tailspintoys.example")
    titles = Notification.objects.filter(recipient=world.members[Role.CAM].user).values_list(
        "title", flat=True
    )
    assert any(t.startswith("Conflict") for t in titles)


def test_precheck_outcomes_for_the_other_partner(world):
    partner_b = world.other_partner.pk
    check = lambda **kw: precheck(tenant=world.tenant, partner_id=partner_b, **kw)  # noqa: E731
    assert check(name="Tailspin Toys", website="").outcome == Outcome.CLEAR
    deal = registered(world.members[Role.PARTNER_REP])
    assert check(name="Tailspin Toys", website="").outcome == Outcome.PENDING
    services.deal_approve(actor=world.members[Role.CAM], deal=deal)
    verdict = check(name="Something else", website="https://tailspintoys.example/about")
    assert verdict.outcome == Outcome.PROTECTED
    deal.refresh_from_db()
    assert verdict.protected_until == deal.expires_at
    assert check(name="Toys Tailspin GmbH", website="").outcome == Outcome.PROTECTED
    assert check(name="Tailspin Toy", website="").outcome == Outcome.POSSIBLE
    assert check(name="Tailspin Tois", website="").outcome == Outcome.POSSIBLE
    assert check(name="Blue Yonder Airlines", website="").outcome == Outcome.CLEAR
    ProtectedAccountFactory(tenant=world.tenant, name="Woodgrove Bank", domain="woodgrove.example")
    assert check(name="", website="www.woodgrove.example").outcome == Outcome.DIRECT
    assert check(name="Woodgrove Bank plc", website="").outcome == Outcome.DIRECT


def test_partner_cannot_register_a_customer_it_already_holds(world):
    registered(world.members[Role.PARTNER_REP])
    admin = world.members[Role.PARTNER_ADMIN]
    with pytest.raises(ValidationError, match="already registered this customer"):
        registered(admin, customer_name="Tailspin Toys Limited")
    assert Deal.objects.filter(status=Deal.Status.SUBMITTED).count() == 1


def test_first_wins_refuses_to_approve_the_conflict_while_the_first_stands(world):
    first = registered(world.other_partner_rep)
    second = registered(world.members[Role.PARTNER_REP])
    cam = world.members[Role.CAM]
    with pytest.raises(ValidationError, match="first valid registration wins"):
        services.deal_approve(actor=cam, deal=second)
    services.deal_withdraw(actor=world.other_partner_rep, deal=first)
    services.deal_approve(actor=cam, deal=second)
    second.refresh_from_db()
    assert second.status == Deal.Status.APPROVED
    assert second.holds_claim


def test_cam_decides_may_award_the_customer_to_the_later_registration(world):
    settings = deal_settings_for(world.tenant)
    settings.engagement_rule = DealSettings.Engagement.CAM_DECIDES
    settings.save()
    first = registered(world.other_partner_rep)
    second = registered(world.members[Role.PARTNER_REP])
    leader = world.members[Role.PROGRAM_LEADER]
    with pytest.raises(ValidationError) as asked:
        services.deal_approve(actor=leader, deal=second)
    assert "supersede" in asked.value.error_dict
    services.deal_approve(actor=leader, deal=second, supersede=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Deal.Status.REJECTED
    assert not first.holds_claim
    assert "preferred" in first.decision_note
    assert second.status == Deal.Status.APPROVED
    assert second.holds_claim


def test_rejection_reason_reaches_the_rep(world):
    rep = world.members[Role.PARTNER_REP]
    deal = registered(rep)
    reason = RejectReasonFactory(tenant=world.tenant, label="Direct account of the vendor")
    services.deal_reject(
        actor=world.members[Role.CAM], deal=deal, reason=reason, note="Our team owns it."
    )
    deal.refresh_from_db()
    assert deal.reject_reason == reason
    assert deal.decision_note == "Our team owns it."
    assert deal.decision_hours is not None
    note = Notification.objects.get(recipient=rep.user, event="deals.deal.rejected")
    assert "Direct account of the vendor" in note.body
    # The CAM's own words are quoted apart from the rule's text, with their name.
    assert note.message == "Our team owns it."
    assert note.message_by == (
        world.members[Role.CAM].user.get_full_name() or world.members[Role.CAM].user.email
    )


def test_cam_decides_only_for_assigned_partners(world):
    deal = registered(world.other_partner_rep)
    with pytest.raises(PermissionDenied):
        services.deal_approve(actor=world.members[Role.CAM], deal=deal)
    assert deal not in deals_for(membership=world.members[Role.CAM])


def test_partner_users_act_only_on_their_own_deals(world):
    rep = world.members[Role.PARTNER_REP]
    deal = registered(rep)
    with pytest.raises(PermissionDenied):
        services.deal_withdraw(actor=world.other_partner_rep, deal=deal)
    teammate = world.members[Role.PARTNER_ADMIN]
    services.deal_withdraw(actor=teammate, deal=deal)  # an admin works the company's deals
    assert list(deals_for(membership=world.other_partner_rep)) == []


def test_agreement_gate_blocks_registration(world):
    set_partner_settings(world.tenant, require_agreement=True)
    AgreementVersion.objects.create(tenant=world.tenant, version=2, title="v2", body_html="<p/>")
    with pytest.raises(ValidationError, match="accept the current partner agreement"):
        registered(world.members[Role.PARTNER_REP])
    assert not Deal.objects.exists()


def test_bad_input_saves_nothing(world):
    rep = world.members[Role.PARTNER_REP]
    foreign = ProductFactory()  # another tenant's product
    with pytest.raises(ValidationError) as refused:
        services.deal_save(actor=rep, data=deal_input([foreign]), submit=True)
    assert "products" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.deal_save(
            actor=rep,
            data=deal_input([ProductFactory(tenant=world.tenant)], customer_name="..!"),
        )
    assert not Deal.objects.exists()


def test_won_deal_keeps_its_partner_and_releases_the_claim(world):
    rep = world.members[Role.PARTNER_REP]
    deal = registered(rep)
    services.deal_approve(actor=world.members[Role.CAM], deal=deal)
    services.deal_mark_won(
        actor=rep, deal=deal, amount=Decimal("51234.567"), closed_on=timezone.localdate()
    )
    deal.refresh_from_db()
    assert deal.status == Deal.Status.WON
    assert deal.partner == world.partner
    assert deal.won_amount == Decimal("51234.57")
    assert not deal.holds_claim


def test_won_refuses_a_future_close_date(world):
    rep = world.members[Role.PARTNER_REP]
    deal = registered(rep)
    services.deal_approve(actor=world.members[Role.CAM], deal=deal)
    with pytest.raises(ValidationError) as refused:
        services.deal_mark_won(actor=rep, deal=deal, amount=Decimal(1), closed_on=date(2100, 1, 1))
    assert "closed_on" in refused.value.error_dict
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
