"""Onboarding plans: steps tick on their partner's events, CAMs tick manual steps, plans complete
(recording the time and activating the partner), stall (reminding once per step) and change."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from partners.agreements.services import agreement_accept
from partners.models import OnboardingStep, Partner, PartnerOnboarding, StepCompletion
from partners.onboarding import services, triggers
from partners.onboarding.progress import progress_of
from partners.services import partner_status_change
from partners.tests.factories import OnboardingPlanFactory, OnboardingStepFactory, PartnerFactory
from prm.accounts.services import invitation_create
from prm.audit.models import AuditEvent
from prm.notifications import events as notification_events
from prm.notifications.events import EventType, emit
from prm.notifications.models import Notification, ReminderLog
from prm.notifications.reminders import run_reminders
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

AGREEMENT = "partners.agreement.accepted"
INVITED = "accounts.invitation.sent"
FUNDS = "crm.opportunity.closed"  # an app not built yet (the CRM API)
MANUAL = "manual"

pytestmark = pytest.mark.django_db


def reseller_plan(world, stalled_after=7):
    """The Reseller type's plan: agreement and invitation (automatic), a kick-off call (manual),
    a first MDF request approved (the MDF app, not built yet)."""
    plan = OnboardingPlanFactory(
        tenant=world.tenant,
        partner_type=world.partner_type,
        name="Reseller onboarding",
        stalled_after_days=stalled_after,
    )
    return plan, [
        OnboardingStepFactory(plan=plan, position=1, title="Accept the agreement", event=AGREEMENT),
        OnboardingStepFactory(plan=plan, position=2, title="Invite a colleague", event=INVITED),
        OnboardingStepFactory(plan=plan, position=3, title="Kick-off call", kind=MANUAL, event=""),
        OnboardingStepFactory(
            plan=plan, position=4, title="Get a first MDF request approved", event=FUNDS
        ),
    ]


def newcomer(world, name, managed=True):
    """A reseller in status onboarding with an admin; the world's CAM manages it if `managed`."""
    partner = PartnerFactory(
        tenant=world.tenant,
        name=name,
        partner_type=world.partner_type,
        status=Partner.Status.ONBOARDING,
    )
    admin = partner_membership(partner, Role.PARTNER_ADMIN)
    if managed:
        assign_perm(MANAGE_PARTNER, world.members[Role.CAM].user, partner)
    return partner, admin


def done(partner):
    return list(
        StepCompletion.objects.filter(onboarding__partner=partner)
        .order_by("step__position")
        .values_list("step__title", flat=True)
    )


def invite(admin, partner, email):
    return invitation_create(actor=admin, email=email, role=Role.PARTNER_REP, partner=partner)


def mdf_arrives(monkeypatch) -> None:
    """The MDF app, built at last, declares the event its requests emit and offers it to
    onboarding steps from its AppConfig.ready(), as deals does with its first registration."""
    monkeypatch.setitem(
        notification_events._TYPES,
        FUNDS,
        EventType(FUNDS, "A CAM approved a partner's MDF request."),
    )
    monkeypatch.setattr(triggers, "_EVENTS", dict(triggers._EVENTS))
    monkeypatch.setattr(notification_events, "_HANDLERS", dict(notification_events._HANDLERS))
    services.offer_event(FUNDS, "An MDF request of the partner was approved")


@pytest.fixture
def mdf_live(monkeypatch):
    mdf_arrives(monkeypatch)


def test_onboarding_steps_tick_on_their_events_and_not_on_another_partners_events(ours):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        first, first_admin = newcomer(ours, "First")
        second, second_admin = newcomer(ours, "Second")
        agreement_accept(actor=first_admin, agreement=ours.agreement)
        invite(second_admin, second, "rep@second.test")
        assert done(first) == ["Accept the agreement"]
        assert done(second) == ["Invite a colleague"]
        completion = StepCompletion.objects.get(onboarding__partner=first)
        assert completion.event == AGREEMENT
        assert completion.completed_by == first_admin.user


def test_an_unrelated_tenants_events_never_tick(ours, theirs):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        partner, _admin = newcomer(ours, "Ours onboarding")
        services.onboarding_of(partner)
    with scope(tenant=theirs.tenant):
        reseller_plan(theirs)
        # Their event, even naming our partner's id, stays in their tenant.
        emit(AGREEMENT, tenant=theirs.tenant, data={"partner_id": partner.pk})
        theirs_partner, theirs_admin = newcomer(theirs, "Theirs onboarding")
        agreement_accept(actor=theirs_admin, agreement=theirs.agreement)
        assert done(theirs_partner) == ["Accept the agreement"]
    with scope(tenant=ours.tenant):
        assert done(partner) == []


def test_steps_of_apps_not_built_yet_wait_and_tick_once_their_event_is_emitted(ours, monkeypatch):
    with scope(tenant=ours.tenant):
        _plan, _steps = reseller_plan(ours)
        partner, admin = newcomer(ours, "Early bird")
        with pytest.raises(ValueError, match="Undeclared"):
            emit(FUNDS, tenant=ours.tenant, data={"partner_id": partner.pk})
        mdf_arrives(monkeypatch)
        other, _other_admin = newcomer(ours, "Other")
        emit(FUNDS, tenant=ours.tenant, actor=admin.user, subject=partner)
        assert done(partner) == ["Get a first MDF request approved"]
        assert done(other) == []


def test_an_event_about_no_partner_ticks_nothing(ours):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        partner, _admin = newcomer(ours, "Quiet")
        invitation_create(
            actor=ours.members[Role.PROGRAM_LEADER], email="cam2@example.test", role=Role.CAM
        )
        assert done(partner) == []


def test_a_step_done_tells_the_partners_admins_how_far_they_are_and_what_is_next(ours):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        partner, admin = newcomer(ours, "Cheered")
        colleague = partner_membership(partner, Role.PARTNER_ADMIN)
        agreement_accept(actor=admin, agreement=ours.agreement)
        told = Notification.objects.filter(event="partners.onboarding.step_completed")
        assert {n.recipient for n in told} == {admin.user, colleague.user}
        assert told[0].title == "Great — 1 of 4 onboarding steps done"
        assert told[0].body == "“Accept the agreement” is done. Next: Invite a colleague."
        assert told[0].link == "/program/#onboarding"


def test_completing_the_last_step_records_the_time_tells_the_cams_and_activates(ours, mdf_live):
    with scope(tenant=ours.tenant):
        _plan, steps = reseller_plan(ours)
        partner, admin = newcomer(ours, "Finisher")
        onboarding = services.onboarding_of(partner)
        PartnerOnboarding.objects.filter(pk=onboarding.pk).update(
            started_at=timezone.now() - timedelta(days=6, hours=1)
        )
        agreement_accept(actor=admin, agreement=ours.agreement)
        invite(admin, partner, "rep@finisher.test")
        services.onboarding_step_tick(
            actor=ours.members[Role.PARTNER_OPS], partner=partner, step=steps[2]
        )
        partner.refresh_from_db()
        assert partner.status == Partner.Status.ONBOARDING
        emit(FUNDS, tenant=ours.tenant, actor=admin.user, data={"partner_id": partner.pk})

        onboarding.refresh_from_db()
        partner.refresh_from_db()
        assert onboarding.completed_at is not None
        assert onboarding.days_to_complete == 6
        assert partner.status == Partner.Status.ACTIVE
        assert partner.joined_on == timezone.localdate()
        change = AuditEvent.objects.get(action="partners.partner.status_changed")
        assert change.reason == "Completed the onboarding plan “Reseller onboarding”."
        assert AuditEvent.objects.filter(action="partners.onboarding.completed").count() == 1
        told = Notification.objects.get(event="partners.onboarding.completed")
        assert told.recipient == ours.members[Role.CAM].user
        assert told.body == "Finisher completed “Reseller onboarding” in 6 days."
        assert told.link == f"/admin/partners/partner/{partner.pk}/onboarding/"
        assert Notification.objects.filter(
            event="partners.partner.status_changed", recipient=admin.user
        ).exists()


def test_a_completed_partner_not_in_onboarding_keeps_its_status(ours):
    with scope(tenant=ours.tenant):
        plan = OnboardingPlanFactory(tenant=ours.tenant, partner_type=ours.partner_type)
        step = OnboardingStepFactory(plan=plan, event=AGREEMENT)
        partner, admin = newcomer(ours, "Sidetracked")
        services.onboarding_of(partner)
        partner_status_change(
            actor=None, partner=partner, status=Partner.Status.INACTIVE, reason="Paused"
        )
        agreement_accept(actor=admin, agreement=ours.agreement)
        partner.refresh_from_db()
        assert done(partner) == [step.title]
        assert partner.onboarding.completed_at is not None
        assert partner.status == Partner.Status.INACTIVE


def test_manual_steps_are_ticked_by_the_partners_cam_ops_and_leaders_only(ours):
    with scope(tenant=ours.tenant):
        _plan, steps = reseller_plan(ours)
        kickoff = steps[2]
        mine, mine_admin = newcomer(ours, "Managed")
        unmanaged, _admin = newcomer(ours, "Unmanaged", managed=False)
        services.onboarding_of(mine)
        services.onboarding_of(unmanaged)
        cam = ours.members[Role.CAM]
        for refused in (mine_admin, ours.members[Role.PARTNER_REP]):
            with pytest.raises(PermissionDenied):
                services.onboarding_step_tick(actor=refused, partner=mine, step=kickoff)
        with pytest.raises(PermissionDenied):
            services.onboarding_step_tick(actor=cam, partner=unmanaged, step=kickoff)

        completion = services.onboarding_step_tick(actor=cam, partner=mine, step=kickoff)
        assert completion.completed_by == cam.user
        assert completion.event == ""
        with pytest.raises(ValidationError, match="already done"):
            services.onboarding_step_tick(actor=cam, partner=mine, step=kickoff)
        services.onboarding_step_tick(
            actor=ours.members[Role.PROGRAM_LEADER], partner=unmanaged, step=kickoff
        )
        assert done(unmanaged) == ["Kick-off call"]
        assert AuditEvent.objects.filter(action="partners.onboarding.step_completed").count() == 2


def test_an_automatic_step_is_ticked_by_hand_only_with_a_reason(ours):
    with scope(tenant=ours.tenant):
        _plan, steps = reseller_plan(ours)
        partner, _admin = newcomer(ours, "Handsoff")
        services.onboarding_of(partner)
        cam = ours.members[Role.CAM]
        with pytest.raises(ValidationError, match="Say why"):
            services.onboarding_step_tick(actor=cam, partner=partner, step=steps[3])
        with pytest.raises(ValidationError, match="Say why"):
            services.onboarding_step_tick(actor=cam, partner=partner, step=steps[3], reason=" ")
        with pytest.raises(ValidationError, match="not part of"):
            services.onboarding_step_tick(actor=cam, partner=partner, step=ours.manual_step)
        assert done(partner) == []
        completion = services.onboarding_step_tick(
            actor=cam, partner=partner, step=steps[3], reason="Certified at the summit"
        )
        assert completion.note == "Certified at the summit"
        assert completion.event == ""  # ticked by hand, not by its event
        assert done(partner) == ["Get a first MDF request approved"]
        audited = AuditEvent.objects.get(action="partners.onboarding.step_completed")
        assert audited.reason == "Certified at the summit"
        # The partner's admins are told, as for any tick.
        assert Notification.objects.filter(event="partners.onboarding.step_completed").exists()


def test_a_step_its_event_ticked_cannot_be_unticked_by_hand(ours):
    with scope(tenant=ours.tenant):
        _plan, steps = reseller_plan(ours)
        partner, admin = newcomer(ours, "Evented")
        services.onboarding_of(partner)
        agreement_accept(actor=admin, agreement=ours.agreement)
        with pytest.raises(ValidationError, match="stays ticked"):
            services.onboarding_step_untick(
                actor=ours.members[Role.CAM], partner=partner, step=steps[0]
            )
        assert done(partner) == ["Accept the agreement"]


def test_a_manual_tick_can_be_taken_back_until_the_plan_is_complete(ours):
    with scope(tenant=ours.tenant):
        plan = OnboardingPlanFactory(tenant=ours.tenant, partner_type=ours.partner_type)
        first = OnboardingStepFactory(plan=plan, position=1, kind=MANUAL, event="")
        last = OnboardingStepFactory(plan=plan, position=2, kind=MANUAL, event="")
        partner, _admin = newcomer(ours, "Undo")
        services.onboarding_of(partner)
        cam = ours.members[Role.CAM]
        services.onboarding_step_tick(actor=cam, partner=partner, step=first)
        services.onboarding_step_untick(actor=cam, partner=partner, step=first)
        assert done(partner) == []
        assert AuditEvent.objects.filter(action="partners.onboarding.step_unticked").exists()
        with pytest.raises(ValidationError, match="not done"):
            services.onboarding_step_untick(actor=cam, partner=partner, step=first)
        services.onboarding_step_tick(actor=cam, partner=partner, step=first)
        services.onboarding_step_tick(actor=cam, partner=partner, step=last)
        with pytest.raises(ValidationError, match="complete"):
            services.onboarding_step_untick(actor=cam, partner=partner, step=last)


def test_onboarding_starts_when_the_status_moves_to_onboarding(ours):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        applicant = PartnerFactory(
            tenant=ours.tenant, partner_type=ours.partner_type, status=Partner.Status.APPLICANT
        )
        Partner.objects.filter(pk=applicant.pk).update(
            created_at=timezone.now() - timedelta(days=30)
        )
        assert services.onboarding_of(applicant) is None  # applicants have no plan yet
        before = timezone.now()
        partner_status_change(
            actor=None, partner=applicant, status=Partner.Status.ONBOARDING, reason="Approved"
        )
        onboarding = PartnerOnboarding.objects.get(partner=applicant)
        assert onboarding.started_at >= before
        assert onboarding.plan.partner_type == ours.partner_type


def test_a_partner_past_an_event_before_its_plan_existed_has_the_step_done_quietly(ours):
    with scope(tenant=ours.tenant):
        ours.onboarding.delete()
        ours.onboarding_plan.delete()  # no plan at all, for now
        partner, admin = newcomer(ours, "Veteran")
        Partner.objects.filter(pk=partner.pk).update(created_at=timezone.now() - timedelta(days=9))
        agreement_accept(actor=admin, agreement=ours.agreement)
        accepted_at = partner.acceptances.get().accepted_at
        _plan, _steps = reseller_plan(ours)
        services.onboarding_sync(tenant=ours.tenant)
        onboarding = PartnerOnboarding.objects.get(partner=partner)
        assert onboarding.started_at.date() == (timezone.now() - timedelta(days=9)).date()
        assert done(partner) == ["Accept the agreement"]
        assert StepCompletion.objects.get(onboarding=onboarding).completed_at == accepted_at
        assert not Notification.objects.filter(event="partners.onboarding.step_completed")


def test_a_partner_whose_type_changes_follows_the_new_types_plan(ours):
    with scope(tenant=ours.tenant):
        reseller_plan(ours)
        partner, admin = newcomer(ours, "Changer")
        agreement_accept(actor=admin, agreement=ours.agreement)
        referral = ours.partner_type.__class__.objects.create(tenant=ours.tenant, name="Referral")
        other_plan = OnboardingPlanFactory(tenant=ours.tenant, partner_type=referral)
        OnboardingStepFactory(plan=other_plan, title="Agree", event=AGREEMENT)
        OnboardingStepFactory(plan=other_plan, title="Payout details", kind=MANUAL, event="")
        Partner.objects.filter(pk=partner.pk).update(partner_type=referral)
        services.onboarding_sync(tenant=ours.tenant)
        onboarding = PartnerOnboarding.objects.select_related("plan").get(partner=partner)
        progress = progress_of(onboarding)
        assert onboarding.plan == other_plan
        assert [(s.step.title, s.done) for s in progress.steps] == [
            ("Agree", True),  # from the partner's history
            ("Payout details", False),
        ]
        assert AuditEvent.objects.filter(action="partners.onboarding.plan_changed").exists()


def test_deleting_the_last_open_step_completes_the_plan(ours):
    with scope(tenant=ours.tenant):
        _plan, steps = reseller_plan(ours)
        partner, admin = newcomer(ours, "Almost")
        services.onboarding_of(partner)
        agreement_accept(actor=admin, agreement=ours.agreement)
        invite(admin, partner, "rep@almost.test")
        services.onboarding_step_tick(actor=ours.members[Role.CAM], partner=partner, step=steps[2])
        steps[3].delete()
        services.onboarding_sync(tenant=ours.tenant)
        partner.refresh_from_db()
        assert partner.onboarding.completed_at is not None
        assert partner.status == Partner.Status.ACTIVE


def test_a_step_added_later_is_open_and_a_finished_onboarding_stays_finished(ours):
    with scope(tenant=ours.tenant):
        plan = OnboardingPlanFactory(tenant=ours.tenant, partner_type=ours.partner_type)
        OnboardingStepFactory(plan=plan, position=1, kind=MANUAL, event="")
        early, _admin = newcomer(ours, "Early")
        late, _late_admin = newcomer(ours, "Late")
        services.onboarding_sync(tenant=ours.tenant)
        services.onboarding_step_tick(
            actor=ours.members[Role.CAM], partner=early, step=plan.steps.get()
        )
        OnboardingStepFactory(plan=plan, position=2, title="New step", kind=MANUAL, event="")
        services.onboarding_sync(tenant=ours.tenant)
        late_progress = progress_of(PartnerOnboarding.objects.get(partner=late))
        assert [s.done for s in late_progress.steps] == [False, False]
        assert PartnerOnboarding.objects.get(partner=early).completed_at is not None


def test_a_stalled_step_reminds_admins_and_cams_once_per_step(ours):
    with scope(tenant=ours.tenant):
        _plan, _steps = reseller_plan(ours, stalled_after=7)
        partner, admin = newcomer(ours, "Slow")
        fresh, _fresh_admin = newcomer(ours, "Fresh")
        onboarding = services.onboarding_of(partner)
        services.onboarding_of(fresh)
        PartnerOnboarding.objects.filter(pk=onboarding.pk).update(
            started_at=timezone.now() - timedelta(days=8)
        )
        assert progress_of(PartnerOnboarding.objects.get(pk=onboarding.pk)).is_stalled

        assert run_reminders(ours.tenant) == 1
        assert run_reminders(ours.tenant) == 0
        told = Notification.objects.filter(event="partners.onboarding.stalled")
        assert {n.recipient for n in told} == {admin.user, ours.members[Role.CAM].user}
        to_admin = told.get(recipient=admin.user)
        assert to_admin.title == "Your onboarding is waiting for “Accept the agreement”"
        assert "for 8 days" in to_admin.body

        # Progress resets the clock; stalled again later, at the next step, it reminds again.
        agreement_accept(actor=admin, agreement=ours.agreement)
        assert run_reminders(ours.tenant) == 0
        StepCompletion.objects.filter(onboarding=onboarding).update(
            completed_at=timezone.now() - timedelta(days=7, hours=1)
        )
        assert run_reminders(ours.tenant) == 1
        assert ReminderLog.objects.filter(reminder="partners.onboarding.stalled").count() == 2
        assert told.filter(title__contains="Invite a colleague").count() == 2


def test_stalling_waits_for_the_plans_number_of_days(ours):
    with scope(tenant=ours.tenant):
        reseller_plan(ours, stalled_after=30)
        partner, _admin = newcomer(ours, "Patient")
        onboarding = services.onboarding_of(partner)
        PartnerOnboarding.objects.filter(pk=onboarding.pk).update(
            started_at=timezone.now() - timedelta(days=29)
        )
        assert run_reminders(ours.tenant) == 0
        PartnerOnboarding.objects.filter(pk=onboarding.pk).update(
            started_at=timezone.now() - timedelta(days=31)
        )
        assert run_reminders(ours.tenant) == 1


@pytest.mark.django_db(transaction=True)
def test_two_last_steps_ticked_at_once_complete_the_plan_exactly_once(ours):
    with scope(tenant=ours.tenant):
        plan = OnboardingPlanFactory(tenant=ours.tenant, partner_type=ours.partner_type)
        steps = [OnboardingStepFactory(plan=plan, kind=MANUAL, event="") for _ in range(2)]
        partner, _admin = newcomer(ours, "Racer")
        services.onboarding_of(partner)
    actors = [ours.members[Role.CAM], ours.members[Role.PARTNER_OPS]]
    barrier = threading.Barrier(2)
    errors = []

    def tick(actor, step):
        try:
            with scope(tenant=ours.tenant):
                barrier.wait()
                services.onboarding_step_tick(actor=actor, partner=partner, step=step)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick, args=pair) for pair in zip(actors, steps, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with scope(tenant=ours.tenant):
        assert len(done(partner)) == 2
        assert AuditEvent.objects.filter(action="partners.onboarding.completed").count() == 1
        assert Partner.objects.get(pk=partner.pk).status == Partner.Status.ACTIVE


@pytest.mark.django_db
def test_the_invite_step_ticks_when_the_partner_invites_not_when_the_vendor_does(ours):
    from partners.onboarding.services import onboarding_of
    from prm.accounts.services import invitation_create

    with scope(tenant=ours.tenant):
        step = OnboardingStep.objects.create(
            tenant=ours.tenant,
            plan=ours.onboarding_plan,
            position=50,
            title="Invite a colleague",
            kind=OnboardingStep.Kind.AUTOMATIC,
            event="accounts.invitation.sent",
        )
        invitation_create(
            actor=ours.members[Role.PARTNER_OPS],
            email="first.admin@partner-a.example",
            role=Role.PARTNER_ADMIN,
            partner=ours.partner,
        )
        onboarding = onboarding_of(ours.partner)
        assert not StepCompletion.objects.filter(onboarding=onboarding, step=step).exists()
        invitation_create(
            actor=ours.members[Role.PARTNER_ADMIN],
            email="colleague@partner-a.example",
            role=Role.PARTNER_REP,
            partner=ours.partner,
        )
        assert StepCompletion.objects.filter(onboarding=onboarding, step=step).exists()
