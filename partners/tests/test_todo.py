"""The partners cards of the staff home: tier proposals, applications, stalled onboardings."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from partners.models import Application, Partner, PartnerOnboarding, TierProposal
from partners.onboarding import services
from partners.tests.factories import ApplicationFactory
from partners.todo import applications_todo, onboarding_todo, tiers_todo
from prm.tenancy.roles import Role
from prm.workspace.todo import todo_cards

from .test_onboarding import newcomer, reseller_plan

pytestmark = pytest.mark.django_db


def counts(card):
    return [(line.text, line.count) for line in card.lines]


def test_tier_proposals_of_the_cams_partners_only(ours, host_client):
    with scope(tenant=ours.tenant):
        TierProposal.objects.create(
            tenant=ours.tenant, partner=ours.other_partner, to_tier=ours.tier, is_promotion=False
        )
        cam = tiers_todo(ours.members[Role.CAM])
        leader = tiers_todo(ours.members[Role.PROGRAM_LEADER])
    assert counts(cam) == [("promotion to confirm", 1), ("demotions to confirm", 0)]
    assert [row.title for row in cam.rows] == [ours.partner.name]
    assert cam.rows[0].url == f"/admin/partners/tierproposal/{ours.tier_proposal.pk}/decide/"
    assert counts(leader) == [("promotion to confirm", 1), ("demotion to confirm", 1)]
    # The line opens the list of exactly those proposals.
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    demotions = client.get(leader.lines[1].url).content.decode()
    assert ours.other_partner.name in demotions
    assert f">{ours.partner.name}<" not in demotions


def test_applications_best_score_first_for_those_who_review_them(ours):
    with scope(tenant=ours.tenant):
        ApplicationFactory(tenant=ours.tenant, company_name="Top Co", score=95, is_free_mail=True)
        ApplicationFactory(
            tenant=ours.tenant, company_name="Done Co", status=Application.Status.DECLINED
        )
        card = applications_todo(ours.members[Role.PARTNER_OPS])
        cam_cards = [c.key for c in todo_cards(ours.members[Role.CAM])]
    assert card.lines[0].count == 2  # the world's pending one and Top Co
    assert card.lines[2].count == 1  # a free-mail address
    assert card.rows[0].title == "Top Co"
    assert "applications" not in cam_cards  # a CAM does not review applications


def test_stalled_onboardings_with_the_step_they_wait_on(ours, host_client):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        stalled, _admin = newcomer(ours, "Sleepy")
        newcomer(ours, "Elsewhere", managed=False)
        for partner in (stalled, Partner.objects.get(name="Elsewhere")):
            onboarding = services.onboarding_of(partner)
            PartnerOnboarding.objects.filter(pk=onboarding.pk).update(
                started_at=timezone.now() - timedelta(days=30)
            )
    with scope(tenant=ours.tenant):
        cam = onboarding_todo(ours.members[Role.CAM])
        leader = onboarding_todo(ours.members[Role.PROGRAM_LEADER])
    assert cam.lines[0].count == 1
    assert [row.title for row in cam.rows] == ["Sleepy"]
    assert "Accept the agreement" in cam.rows[0].detail
    assert cam.rows[0].url == f"/admin/partners/partner/{stalled.pk}/onboarding/"
    assert leader.lines[0].count == 2
    client = host_client(ours.host, ours.members[Role.CAM])
    listed = client.get(cam.lines[0].url).content.decode()
    assert "Sleepy" in listed
    assert "Elsewhere" not in listed


def test_every_staff_role_gets_a_home_with_its_cards(ours, host_client):
    expected = {
        Role.PROGRAM_LEADER: {"decisions", "tiers", "onboarding", "leads", "applications"},
        Role.PARTNER_OPS: {"decisions", "tiers", "onboarding", "leads", "applications"},
        Role.CAM: {"decisions", "tiers", "onboarding", "leads"},
    }
    for role, keys in expected.items():
        html = host_client(ours.host, ours.members[role]).get("/admin/").content.decode()
        shown = {key for key in keys | {"applications"} if f'id="todo-{key}"' in html}
        assert shown == keys, role
        assert 'id="todo-notifications"' in html
