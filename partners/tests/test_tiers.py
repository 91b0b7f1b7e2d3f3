"""Tier evaluation proposes moves, honours the grace period, and shows partners their path."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, Tier, TierProposal, TierRequirement
from partners.tests.factories import set_partner_settings
from partners.tiers import selectors as tiers_mod
from partners.tiers import services
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from tests.html_forms import form_values
from tests.worlds import delete_with_dependents

TODAY = date(2026, 11, 23)


@pytest.fixture
def ladder(ours):
    """Registered (open), Gold: 4 active users and 12 months in the program."""
    with scope(tenant=ours.tenant):
        TierProposal.objects.all().delete()
        delete_with_dependents(Tier.objects.filter(tenant=ours.tenant))
        registered = Tier.objects.create(tenant=ours.tenant, name="Registered", rank=1)
        gold = Tier.objects.create(tenant=ours.tenant, name="Gold", rank=3)
        TierRequirement.objects.create(
            tenant=ours.tenant, tier=gold, metric="partners.active_users", threshold=4
        )
        TierRequirement.objects.create(
            tenant=ours.tenant, tier=gold, metric="partners.months_in_program", threshold=12
        )
        Partner.objects.filter(tenant=ours.tenant).update(
            tier=registered, joined_on=date(2025, 1, 1)
        )
    return registered, gold


def evaluate(world, today=TODAY):
    with scope(tenant=world.tenant):
        return services.tiers_evaluate(tenant=world.tenant, today=today)


def pending(world, partner):
    with scope(tenant=world.tenant):
        return TierProposal.objects.filter(partner=partner, status="pending").first()


@pytest.mark.django_db
def test_nothing_is_proposed_when_nothing_changes(ours, ladder):
    counts = evaluate(ours)  # partner A has 2 active users: Gold needs 4
    assert counts["promotions"] == counts["demotions"] == 0
    assert pending(ours, ours.partner) is None


@pytest.mark.django_db
def test_a_partner_meeting_the_next_tier_gets_a_promotion_proposal_and_its_cams_are_told(
    ours, ladder
):
    _registered, gold = ladder
    partner_membership(ours.partner)
    partner_membership(ours.partner)  # 4 active users now
    assert evaluate(ours)["promotions"] == 1
    proposal = pending(ours, ours.partner)
    assert (proposal.to_tier, proposal.is_promotion) == (gold, True)
    assert proposal.evidence == {"partners.active_users": "4", "partners.months_in_program": "22"}
    assert evaluate(ours)["promotions"] == 0  # the next night: still one proposal, no new one
    with scope(tenant=ours.tenant):
        told = Notification.objects.filter(event="partners.tier.proposed")
        assert {n.recipient for n in told} == {ours.members[Role.CAM].user}


@pytest.mark.django_db
def test_a_demotion_waits_for_the_grace_period(ours, ladder):
    registered, gold = ladder
    set_partner_settings(ours.tenant, tier_demotion_grace_days=30)
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(tier=gold)
    assert evaluate(ours)["demotions"] == 0  # below Gold from today on
    ours.partner.refresh_from_db()
    assert ours.partner.below_tier_since == TODAY
    assert evaluate(ours, TODAY + timedelta(days=29))["demotions"] == 0
    assert evaluate(ours, TODAY + timedelta(days=30))["demotions"] == 1
    proposal = pending(ours, ours.partner)
    assert (proposal.from_tier, proposal.to_tier, proposal.is_promotion) == (
        gold,
        registered,
        False,
    )


@pytest.mark.django_db
def test_recovering_inside_the_grace_period_clears_it_and_withdraws_stale_proposals(ours, ladder):
    _registered, gold = ladder
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(tier=gold)
    evaluate(ours)
    partner_membership(ours.partner)
    partner_membership(ours.partner)
    evaluate(ours, TODAY + timedelta(days=3))
    ours.partner.refresh_from_db()
    assert ours.partner.below_tier_since is None
    assert pending(ours, ours.partner) is None


@pytest.mark.django_db
def test_the_assigned_cam_confirms_and_the_partner_admins_are_told(ours, ladder, host_client):
    _registered, gold = ladder
    partner_membership(ours.partner)
    partner_membership(ours.partner)
    evaluate(ours)
    proposal = pending(ours, ours.partner)
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get("/admin/partners/tierproposal/").content.decode()
    assert ours.partner.name in page
    response = cam.post(
        "/admin/partners/tierproposal/",
        {"action": "confirm", "_selected_action": [proposal.pk]},
    )
    assert response.status_code == 302
    ours.partner.refresh_from_db()
    assert ours.partner.tier == gold
    with scope(tenant=ours.tenant):
        assert AuditEvent.objects.filter(action="partners.tier.confirmed").exists()
        told = Notification.objects.get(event="partners.tier.changed")
        assert told.recipient == ours.members[Role.PARTNER_ADMIN].user
        assert told.title == f"{ours.partner.name} is now Gold"


@pytest.mark.django_db
def test_a_cam_cannot_decide_for_an_unassigned_partner_or_twice(ours, ladder):
    _registered, gold = ladder
    with scope(tenant=ours.tenant):
        other = TierProposal.objects.create(
            tenant=ours.tenant, partner=ours.other_partner, to_tier=gold, is_promotion=True
        )
        with pytest.raises(PermissionDenied):
            services.tier_proposal_decide(
                actor=ours.members[Role.CAM], proposal=other, confirm=True
            )
        services.tier_proposal_decide(
            actor=ours.members[Role.PARTNER_OPS], proposal=other, confirm=False, reason="Too early"
        )
        with pytest.raises(ValidationError):
            services.tier_proposal_decide(
                actor=ours.members[Role.PARTNER_OPS], proposal=other, confirm=True
            )
        ours.other_partner.refresh_from_db()
        assert ours.other_partner.tier.name == "Registered"


@pytest.mark.django_db
def test_the_partner_sees_its_tier_and_what_is_missing_for_the_next(ours, ladder, host_client):
    today = timezone.localdate()
    three_months_ago = date(today.year - (today.month <= 3), (today.month - 4) % 12 + 1, 1)
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(joined_on=three_months_ago)
    home = host_client(ours.host, ours.members[Role.PARTNER_REP]).get("/").content.decode()
    assert "Registered partner" in home
    assert "2 more active users and 9 more months in the program → Gold" in home


def test_path_text_reads_naturally():
    gold = Tier(name="Gold")
    gaps = [
        tiers_mod.Gap(label="certified reps", missing=Decimal(2), unit="count"),
        tiers_mod.Gap(label="revenue won", missing=Decimal("40000.00"), unit="money"),
    ]
    assert (
        tiers_mod.path_text(gaps, gold)
        == "2 more certified reps and 40,000 more revenue won → Gold"
    )
    assert "meet the requirements of Gold" in tiers_mod.path_text([], gold)


def test_money_missing_for_a_tier_is_shown_in_the_tenants_currency():
    gap = tiers_mod.Gap(
        label="revenue won", missing=Decimal("40000.00"), unit="money", currency="USD"
    )
    assert str(gap) == "$40,000.00 more revenue won"


def test_one_missing_unit_reads_in_the_singular():
    gap = tiers_mod.Gap(
        label="active users", missing=Decimal(1), unit="count", label_one="active user"
    )
    assert str(gap) == "1 more active user"


@pytest.mark.django_db
def test_dismissing_needs_a_reason_beside_the_field_and_records_it(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/partners/tierproposal/{ours.tier_proposal.pk}/decide/"
    assert (
        "Confirm or dismiss"
        in cam.get(f"/admin/partners/tierproposal/{ours.tier_proposal.pk}/change/").content.decode()
    )
    page = cam.post(url, {"decision": "dismiss", "reason": " "})
    assert page.status_code == 200
    assert "Say why you dismiss the proposal." in page.content.decode()
    ours.tier_proposal.refresh_from_db()
    assert ours.tier_proposal.status == TierProposal.Status.PENDING
    response = cam.post(url, {"decision": "dismiss", "reason": "Revenue is one-off"})
    assert response.status_code == 302
    ours.tier_proposal.refresh_from_db()
    assert ours.tier_proposal.status == TierProposal.Status.DISMISSED
    assert ours.tier_proposal.reason == "Revenue is one-off"
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="partners.tier.dismissed")
    assert event.reason == "Revenue is one-off"
    # Decided: the page no longer offers a decision.
    assert cam.get(url).status_code == 302


@pytest.mark.django_db
def test_a_cam_cannot_open_the_decision_of_an_unassigned_partner(ours, host_client):
    with scope(tenant=ours.tenant):
        other = TierProposal.objects.create(
            tenant=ours.tenant, partner=ours.other_partner, to_tier=ours.tier, is_promotion=True
        )
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/partners/tierproposal/{other.pk}/decide/"
    assert cam.get(url).status_code == 404
    assert cam.post(url, {"decision": "confirm"}).status_code == 404
    other.refresh_from_db()
    assert other.status == TierProposal.Status.PENDING


@pytest.mark.django_db
def test_a_tier_is_added_with_the_blank_requirement_row_left_as_the_browser_sends_it(
    ours, host_client
):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = client.get("/admin/partners/tier/add/").content.decode()
    data = form_values(page, containing="name")
    data.update({"name": ["Gold"], "rank": ["3"]})
    assert client.post("/admin/partners/tier/add/", data).status_code == 302
    with scope(tenant=ours.tenant):
        assert not Tier.objects.get(name="Gold").requirements.exists()
