"""The partner page ("partner 360") in the admin UI: everything about one partner company."""

import pytest
from django.utils.html import escape
from django_scopes import scope

from partners.models import OnboardingStep
from partners.onboarding import services
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def page(partner):
    return f"/admin/partners/partner/{partner.pk}/overview/"


def test_a_cam_opens_the_page_of_their_partner_only(ours, theirs, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get(page(ours.partner)).status_code == 200
    assert cam.get(page(ours.other_partner)).status_code == 404
    assert cam.get(page(theirs.partner)).status_code == 404
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert leader.get(page(ours.other_partner)).status_code == 200
    partner_admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert partner_admin.get(page(ours.partner)).status_code == 403


def test_the_page_holds_every_section_about_the_partner(ours, host_client):
    cam = ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        services.onboarding_sync(tenant=ours.tenant)
    html = host_client(ours.host, cam).get(page(ours.partner)).content.decode()
    for key in ("profile", "cams", "tier", "users", "agreement", "onboarding", "plan",
                "deals", "leads", "activity"):  # fmt: skip
        assert f'id="section-{key}"' in html, key
    assert f"<h1>{escape(ours.partner.name)} " in html
    assert escape(cam.user.get_full_name() or cam.user.email) in html  # its CAM
    assert "Kick-off call" in html  # the onboarding checklist
    assert f"/admin/partners/tierproposal/{ours.tier_proposal.pk}/decide/" in html
    assert "accepted by someone@example.test" in html  # the agreement
    assert ">None<" not in html


def test_the_profile_leaves_out_what_is_not_known(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.partner.industry = ""
        ours.partner.website = ""
        ours.partner.save()
    html = host_client(ours.host, ours.members[Role.CAM]).get(page(ours.partner)).content.decode()
    profile = html[html.index('id="section-profile"') : html.index('id="section-cams"')]
    assert "Industry" not in profile
    assert "Website" not in profile
    assert "All details" in profile  # a CAM may not edit: the read-only details
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert "Edit the profile" in leader.get(page(ours.partner)).content.decode()


def test_a_partner_without_a_cam_says_who_sees_it(ours, host_client):
    html = (
        host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
        .get(page(ours.other_partner))
        .content.decode()
    )
    assert "No channel account manager is assigned" in html


def test_the_partner_list_and_the_profile_lead_to_the_page(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    listed = cam.get("/admin/partners/partner/").content.decode()
    assert f'href="{page(ours.partner)}"' in listed
    assert f'href="{page(ours.other_partner)}"' not in listed
    profile = cam.get(f"/admin/partners/partner/{ours.partner.pk}/change/").content.decode()
    assert f'href="{page(ours.partner)}"' in profile


def test_the_onboarding_section_shows_who_ticked_by_hand_and_why(ours, host_client):
    cam = ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        services.onboarding_step_tick(
            actor=cam, partner=ours.partner, step=ours.manual_step, reason="Call held on site"
        )
        step = OnboardingStep.objects.get(pk=ours.manual_step.pk)
    html = host_client(ours.host, cam).get(page(ours.partner)).content.decode()
    section = html[html.index('id="section-onboarding"') :]
    assert step.title in section
    assert "ticked by" in section
    assert "Call held on site" in section
    assert "1 of 2 steps done" in section


def test_a_partner_without_this_years_plan_offers_to_create_it(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.plan.delete()
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get(page(ours.partner)).content.decode()
    link = f"/admin/partners/businessplan/add/?partner={ours.partner.pk}&amp;year={ours.plan.year}"
    assert link in html
    form = cam.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{ours.partner.pk}" selected>' in form
