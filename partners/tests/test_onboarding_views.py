"""Onboarding on screen: the partner's checklist in the portal and on the home page; plans,
everyone's progress and one partner's checklist (with tick buttons) in the admin UI."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from partners.agreements.services import agreement_accept
from partners.models import OnboardingPlan, Partner, PartnerOnboarding, StepCompletion
from partners.onboarding import services, triggers
from partners.onboarding.demo import DEMO_PLANS
from partners.onboarding.services import offer_event
from partners.tests.factories import OnboardingStepFactory
from prm.audit.models import AuditEvent
from prm.dates import format_day
from prm.notifications import events as notification_events
from prm.portal import nav
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

from .test_onboarding import AGREEMENT, MANUAL, done, newcomer, reseller_plan

pytestmark = pytest.mark.django_db


def started(world, name="Newcomer", managed=True, days_ago=0):
    """A reseller onboarding on the Reseller plan (4 steps), started `days_ago`."""
    with scope(tenant=world.tenant):
        _plan, steps = reseller_plan(world)
        partner, admin = newcomer(world, name, managed=managed)
        onboarding = services.onboarding_of(partner)
        PartnerOnboarding.objects.filter(pk=onboarding.pk).update(
            started_at=timezone.now() - timedelta(days=days_ago)
        )
    return partner, admin, steps


def page_url(partner):
    return f"/admin/partners/partner/{partner.pk}/onboarding/"


def tick_url(partner, step):
    return f"/admin/partners/partner/{partner.pk}/onboarding/steps/{step.pk}/tick/"


def untick_url(partner, step):
    return f"/admin/partners/partner/{partner.pk}/onboarding/steps/{step.pk}/untick/"


# --- Portal ------------------------------------------------------------------------------------


def test_partners_see_their_checklist_with_progress_in_my_program(ours, host_client):
    partner, admin, _steps = started(ours)
    with scope(tenant=ours.tenant):
        agreement_accept(actor=admin, agreement=ours.agreement)
        rep = partner_membership(partner, Role.PARTNER_REP)
        accepted = format_day(partner.acceptances.get().accepted_at)
    titles = [
        "Accept the agreement",
        "Invite a colleague",
        "Kick-off call",
        "Get a first MDF request approved",
    ]
    for member in (admin, rep):
        html = host_client(ours.host, member).get("/program/").content.decode()
        assert 'id="onboarding-heading"' in html
        assert 'href="#onboarding"' in html  # in the page's section menu
        assert "1 of 4 steps done" in html
        assert 'aria-valuenow="25"' in html
        assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
        assert f"Done on {accepted}" in html
        assert "Your channel manager ticks this step once it is done." in html
        assert html.count('aria-current="step"') == 1


def test_a_completed_onboarding_says_how_long_it_took(ours, host_client):
    partner, admin, _steps = started(ours, days_ago=12)
    with scope(tenant=ours.tenant):
        PartnerOnboarding.objects.filter(partner=partner).update(
            completed_at=timezone.now() - timedelta(days=2)
        )
    html = host_client(ours.host, admin).get("/program/").content.decode()
    assert ", in 10 days." in html
    assert "Onboarding completed on" in html


def test_partners_onboarding_without_a_plan_are_told_what_happens(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.onboarding.delete()
        ours.onboarding_plan.delete()
        _partner, admin = newcomer(ours, "Planless")
    html = host_client(ours.host, admin).get("/program/").content.decode()
    assert 'id="onboarding-heading"' in html
    assert "There is no onboarding checklist for your company yet." in html


def test_active_partners_without_an_onboarding_have_no_section(ours, host_client):
    html = host_client(ours.host, ours.other_partner_admin).get("/program/").content.decode()
    assert 'id="onboarding-heading"' not in html


def test_the_home_page_shows_onboarding_in_progress_until_it_is_complete(ours, host_client):
    partner, admin, _steps = started(ours)
    client = host_client(ours.host, admin)
    html = client.get("/").content.decode()
    assert 'id="onboarding-card-heading"' in html
    assert "0 of 4 steps done" in html
    assert "Accept the agreement" in html
    assert 'href="/program/#onboarding"' in html
    with scope(tenant=ours.tenant):
        PartnerOnboarding.objects.filter(partner=partner).update(completed_at=timezone.now())
    assert 'id="onboarding-card-heading"' not in client.get("/").content.decode()


# --- Admin: one partner's checklist ------------------------------------------------------------


def test_the_assigned_cam_ticks_and_unticks_a_manual_step(ours, host_client):
    partner, _admin, steps = started(ours)
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(page_url(partner)).content.decode()
    assert "0 of 4 steps done" in page
    assert tick_url(partner, steps[2]) in page  # the manual step: "Tick"
    assert tick_url(partner, steps[0]) in page  # an automatic one: "Tick by hand"
    confirm = cam.get(tick_url(partner, steps[2])).content.decode()
    assert "Tick it once it is done" in confirm  # a page that asks first; a note is optional
    response = cam.post(tick_url(partner, steps[2]), {"reason": ""}, follow=True)
    assert "“Kick-off call” is ticked; the partner&#x27;s admins are told." in (
        response.content.decode()
    )
    assert "1 of 4 steps done" in response.content.decode()
    assert untick_url(partner, steps[2]) in response.content.decode()
    with scope(tenant=ours.tenant):
        assert done(partner) == ["Kick-off call"]
    response = cam.post(untick_url(partner, steps[2]), {"reason": "Wrong partner"}, follow=True)
    assert "is no longer ticked" in response.content.decode()
    with scope(tenant=ours.tenant):
        assert done(partner) == []
        unticked = AuditEvent.objects.get(action="partners.onboarding.step_unticked")
        assert unticked.reason == "Wrong partner"


def test_the_cam_ticks_an_automatic_step_by_hand_with_a_reason(ours, host_client):
    partner, _admin, steps = started(ours)
    funds = steps[3]  # waits for "crm.opportunity.closed", which no app emits yet
    cam = host_client(ours.host, ours.members[Role.CAM])
    confirm = cam.get(tick_url(partner, funds)).content.decode()
    assert "the reason is required" in confirm
    assert "Opportunity closed (no app reports it yet)" in confirm  # no event code shown
    assert "crm.opportunity.closed" not in confirm
    refused = cam.post(tick_url(partner, funds), {"reason": "  "})
    assert refused.status_code == 200
    assert "Say why you tick this step by hand" in refused.content.decode()
    with scope(tenant=ours.tenant):
        assert done(partner) == []
    reason = "Approved by email before the MDF app existed."
    response = cam.post(tick_url(partner, funds), {"reason": reason}, follow=True)
    page = response.content.decode()
    assert "1 of 4 steps done" in page
    assert reason in page  # kept with the tick, on the checklist
    with scope(tenant=ours.tenant):
        assert done(partner) == ["Get a first MDF request approved"]
        tick = AuditEvent.objects.get(action="partners.onboarding.step_completed")
        assert tick.reason == reason
        assert tick.actor == ours.members[Role.CAM].user
        assert StepCompletion.objects.get(step=funds).note == reason


def test_bad_tick_requests_change_nothing_and_say_why(ours, host_client):
    partner, _admin, steps = started(ours)
    cam = host_client(ours.host, ours.members[Role.CAM])
    # A step already done: the page says so beside the form.
    cam.post(tick_url(partner, steps[2]), {"reason": ""})
    again = cam.post(tick_url(partner, steps[2]), {"reason": ""})
    assert "This step is already done." in again.content.decode()
    # A step that ticked itself (its event happened) cannot be unticked by hand.
    with scope(tenant=ours.tenant):
        agreement_accept(actor=_admin, agreement=ours.agreement)
    refused = cam.post(untick_url(partner, steps[0]), {"reason": ""})
    assert "it stays ticked" in refused.content.decode()
    # A step of another plan is not this partner's: 404.
    assert cam.get(tick_url(partner, ours.manual_step)).status_code == 404
    assert cam.post(tick_url(partner, ours.manual_step), {"reason": ""}).status_code == 404
    with scope(tenant=ours.tenant):
        assert done(partner) == ["Accept the agreement", "Kick-off call"]


def test_a_cam_cannot_see_or_tick_an_unassigned_partners_onboarding(ours, host_client):
    partner, _admin, steps = started(ours, managed=False)
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get(page_url(partner)).status_code == 404
    assert cam.get(tick_url(partner, steps[2])).status_code == 404
    assert cam.post(tick_url(partner, steps[2]), {"reason": ""}).status_code == 404
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert ops.post(tick_url(partner, steps[2]), {"reason": ""}).status_code == 302
    with scope(tenant=ours.tenant):
        assert done(partner) == ["Kick-off call"]


def test_partner_users_cannot_tick(ours, host_client):
    partner, admin, steps = started(ours)
    client = host_client(ours.host, admin)
    assert client.post(tick_url(partner, steps[2]), {"reason": ""}).status_code == 403
    with scope(tenant=ours.tenant):
        assert done(partner) == []


def test_the_page_explains_partners_without_an_onboarding(ours, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    html = leader.get(page_url(ours.other_partner)).content.decode()
    assert "is active and has no onboarding record" in html
    with scope(tenant=ours.tenant):
        ours.onboarding.delete()
        ours.onboarding_plan.delete()
        planless, _admin = newcomer(ours, "Planless")
    html = leader.get(page_url(planless)).content.decode()
    assert "No onboarding plan applies to Planless" in html
    assert "/admin/partners/onboardingplan/add/" in html


def test_the_partner_page_links_to_its_onboarding(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get(f"/admin/partners/partner/{ours.partner.pk}/change/").content.decode()
    assert page_url(ours.partner) in html


def test_the_partner_page_costs_the_same_queries_with_more_steps(ours, host_client):
    partner, _admin, _steps = started(ours)
    cam = host_client(ours.host, ours.members[Role.CAM])

    def grow(n):
        with scope(tenant=ours.tenant):
            plan = PartnerOnboarding.objects.get(partner=partner).plan
            onboarding = partner.onboarding
            for i in range(n):
                step = OnboardingStepFactory(plan=plan, kind=MANUAL, event="")
                if i % 2:
                    StepCompletion.objects.create(
                        tenant=ours.tenant,
                        onboarding=onboarding,
                        step=step,
                        completed_at=timezone.now(),
                        completed_by_label="cam@example.test",
                    )

    def count():
        cam.get(page_url(partner))
        with CaptureQueriesContext(connection) as ctx:
            assert cam.get(page_url(partner)).status_code == 200
        return len(ctx.captured_queries)

    grow(5)
    small = count()
    grow(40)
    assert count() == small <= 20


# --- Admin: everyone's progress and the plans --------------------------------------------------


def test_the_progress_list_filters_by_state(ours, host_client):
    fresh, _a, _s = started(ours, name="Fresh")
    with scope(tenant=ours.tenant):
        going, going_admin = newcomer(ours, "Going")
        stuck, _b = newcomer(ours, "Stuck")
        finished, _c = newcomer(ours, "Finished")
        services.onboarding_sync(tenant=ours.tenant)
        agreement_accept(actor=going_admin, agreement=ours.agreement)
        PartnerOnboarding.objects.filter(partner=stuck).update(
            started_at=timezone.now() - timedelta(days=30)
        )
        PartnerOnboarding.objects.filter(partner=finished).update(completed_at=timezone.now())
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = "/admin/partners/partneronboarding/"

    def names(state):
        html = leader.get(url, {"state": state}).content.decode()
        return {p.name for p in (fresh, going, stuck, finished) if f">{p.name}</a>" in html}

    assert names("not_started") == {"Fresh"}
    assert names("in_progress") == {"Going"}
    assert names("stalled") == {"Stuck"}
    assert names("completed") == {"Finished"}
    html = leader.get(url).content.decode()
    assert "1 of 4 steps done" in html
    assert "Accept the agreement <strong>(stalled)</strong>" in html


def test_a_cam_sees_the_progress_of_assigned_partners_only(ours, host_client):
    mine, _a, _s = started(ours, name="Mine")
    with scope(tenant=ours.tenant):
        theirs_too, _b = newcomer(ours, "Not mine", managed=False)
        services.onboarding_of(theirs_too)
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get("/admin/partners/partneronboarding/").content.decode()
    assert ">Mine</a>" in html
    assert ">Not mine</a>" not in html
    # A row opens the partner's checklist.
    with scope(tenant=ours.tenant):
        onboarding = PartnerOnboarding.objects.get(partner=mine)
        hidden = PartnerOnboarding.objects.get(partner=theirs_too)
    change = f"/admin/partners/partneronboarding/{onboarding.pk}/change/"
    assert cam.get(change)["Location"] == page_url(mine)
    assert cam.get(f"/admin/partners/partneronboarding/{hidden.pk}/change/").status_code == 404


def test_the_progress_list_shows_partners_that_entered_onboarding_since(ours, host_client):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        partner, _admin = newcomer(ours, "Just joined")
        assert not PartnerOnboarding.objects.filter(partner=partner).exists()
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert ">Just joined</a>" in leader.get("/admin/partners/partneronboarding/").content.decode()


def plan_post(world, **overrides):
    data = {
        "name": "Referral onboarding",
        "partner_type": "",
        "introduction": "Welcome",
        "stalled_after_days": "5",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "1",
        "steps-0-title": "Accept",
        "steps-0-description": "",
        "steps-0-kind": "automatic",
        "steps-0-event": AGREEMENT,
        "steps-1-position": "2",
        "steps-1-title": "Payout details",
        "steps-1-description": "",
        "steps-1-kind": "manual",
        "steps-1-event": AGREEMENT,  # ignored for a manual step
    }
    data.update(overrides)
    return data


def test_partner_ops_create_a_plan_with_steps_and_partners_follow_it(ours, host_client):
    with scope(tenant=ours.tenant):
        referral = ours.partner_type.__class__.objects.create(tenant=ours.tenant, name="Referral")
        partner = Partner.objects.create(
            tenant=ours.tenant, name="Referrer", partner_type=referral, status="onboarding"
        )
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = ops.post(
        "/admin/partners/onboardingplan/add/", plan_post(ours, partner_type=str(referral.pk))
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        plan = OnboardingPlan.objects.get(partner_type=referral)
        assert [(s.title, s.kind, s.event) for s in plan.steps.all()] == [
            ("Accept", "automatic", AGREEMENT),
            ("Payout details", "manual", ""),
        ]
        assert PartnerOnboarding.objects.get(partner=partner).plan == plan


def test_a_plan_form_says_what_is_wrong_beside_the_field(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    # The world has a default plan already; an automatic step needs its event.
    response = ops.post(
        "/admin/partners/onboardingplan/add/", plan_post(ours, **{"steps-0-event": ""})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There already is a default plan: edit that one." in html
    assert "Choose the event that ticks this automatic step." in html
    with scope(tenant=ours.tenant):
        assert OnboardingPlan.objects.count() == 1


def test_the_plan_form_offers_events_of_apps_not_built_yet(ours, host_client, monkeypatch):
    # An app offers its event from its AppConfig.ready() before it emits it (MDF, whose
    # requests do not exist yet, will do this).
    monkeypatch.setattr(triggers, "_EVENTS", dict(triggers._EVENTS))
    monkeypatch.setattr(notification_events, "_HANDLERS", dict(notification_events._HANDLERS))
    offer_event("crm.opportunity.closed", "An MDF request of the partner was approved")
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    html = ops.get("/admin/partners/onboardingplan/add/").content.decode()
    assert "An MDF request of the partner was approved (not emitted yet)" in html
    assert "The partner registered a deal</option>" in html  # the deals app emits it
    assert "The partner accepted the agreement</option>" in html


def test_cams_read_plans_but_do_not_change_them(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/partners/onboardingplan/").status_code == 200
    assert cam.get("/admin/partners/onboardingplan/add/").status_code == 403
    url = f"/admin/partners/onboardingplan/{ours.onboarding_plan.pk}/change/"
    assert cam.post(url, plan_post(ours)).status_code == 403


# --- What a step tells the partner -------------------------------------------------------------


def test_no_demo_step_points_the_partner_to_a_page_the_portal_lacks():
    """Step texts name portal pages ("under My program", "from the Team page", "in Training"):
    each must be a page of the portal's navigation."""
    pages = {str(item.label) for item in nav._ITEMS.values()}
    pattern = re.compile(
        r"\bunder ([A-Z][\w ]+?)\.|\bfrom the (\w[\w ]*?) page\b|\bin ([A-Z]\w+)\."
    )
    named = {
        next(g for g in match.groups() if g)
        for plans in DEMO_PLANS.values()
        for _name, _type, _days, intro, steps in plans
        for text in [intro, *(description for _title, description, _event in steps)]
        for match in pattern.finditer(text)
    }
    assert named >= {"My program", "Team"}  # the check finds what it looks for
    assert named <= pages


def test_every_step_link_leads_to_a_portal_page():
    for offered in triggers.offered_events():
        if offered.link is not None:
            assert reverse(offered.link.url_name).startswith("/"), offered.name


def test_the_checklist_says_who_ticks_a_step_and_where_the_partner_does_it(ours, host_client):
    partner, admin, _steps = started(ours)
    with scope(tenant=ours.tenant):
        rep = partner_membership(partner, Role.PARTNER_REP)
    html = host_client(ours.host, admin).get("/program/").content.decode()
    rows = html[html.index('aria-label="Onboarding steps"') :]
    agreement = rows[rows.index("Accept the agreement") : rows.index("Invite a colleague")]
    assert 'href="/program/agreement/"' in agreement
    invite = rows[rows.index("Invite a colleague") : rows.index("Kick-off call")]
    assert 'href="/team/"' in invite  # a partner admin manages the team
    funds = rows[rows.index("Get a first MDF request approved") :]
    # No app emits "request approved" yet: the CAM ticks it, and no link leads anywhere.
    assert "Your channel manager ticks this step once it is done." in funds[:600]
    assert "Ticks itself" not in funds[:600]
    rep_html = host_client(ours.host, rep).get("/program/").content.decode()
    rep_rows = rep_html[rep_html.index('aria-label="Onboarding steps"') :]
    assert 'href="/team/"' not in rep_rows  # a rep may not invite: no link to a 403
