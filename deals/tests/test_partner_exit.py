"""When a partner company's access ends (offboarded, deactivated), its open registrations
release their claims on the customers, or stay frozen until a CAM decides, as the tenant's
rule says (deals.services.partner_exit, subscribed to the partner's lifecycle event)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from deals import services
from deals.models import Deal, DealSettings
from deals.tests.factories import registered
from partners.models import Partner
from partners.services import partner_status_change
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role


def move(world, status: str) -> None:  # type: ignore[no-untyped-def]
    partner_status_change(
        actor=world.members[Role.PARTNER_OPS].user,
        partner=world.partner,
        status=status,
        reason="Contract ended",
    )


def customer_of(deal: Deal) -> dict[str, str]:
    return {"customer_name": deal.customer_name, "customer_website": deal.customer_website}


def claims(world):  # type: ignore[no-untyped-def]
    """Partner A's submitted registration and its approved one, both holding their customer."""
    rep = world.members[Role.PARTNER_REP]
    waiting = registered(rep, customer_name="Waiting Co", customer_website="waiting.example")
    approved = registered(rep, customer_name="Approved Co", customer_website="approved.example")
    approved = services.deal_approve(actor=world.members[Role.PROGRAM_LEADER], deal=approved)
    assert waiting.holds_claim
    assert approved.holds_claim
    return waiting, approved


@pytest.mark.django_db
def test_offboarding_releases_the_partners_claims_by_default(ours):
    with scope(tenant=ours.tenant):
        assert ours.deal_settings.on_partner_exit == DealSettings.PartnerExit.RELEASE
        waiting, approved = claims(ours)
        move(ours, Partner.Status.OFFBOARDED)
        for deal in (waiting, approved):
            deal.refresh_from_db()
            assert deal.status == Deal.Status.WITHDRAWN
            assert not deal.holds_claim
        released = AuditEvent.objects.get(action="deals.deal.released", object_id=str(approved.pk))
        assert released.reason == "Contract ended"
        # Another partner now takes the customer the offboarded one held.
        taken = registered(ours.other_partner_rep, **customer_of(approved))
        assert taken.holds_claim
        assert taken.conflict_with is None


@pytest.mark.django_db
def test_a_waiting_conflict_gets_the_customer_once_the_holder_is_released(ours):
    with scope(tenant=ours.tenant):
        holder, _approved = claims(ours)
        waiting = registered(ours.other_partner_rep, **customer_of(holder))
        assert waiting.conflict_with_id == holder.pk
        move(ours, Partner.Status.INACTIVE)
        approved = services.deal_approve(actor=ours.members[Role.PROGRAM_LEADER], deal=waiting)
        assert approved.holds_claim


@pytest.mark.django_db
def test_with_the_freeze_rule_claims_stay_until_a_cam_decides(ours):
    with scope(tenant=ours.tenant):
        DealSettings.objects.filter(pk=ours.deal_settings.pk).update(
            on_partner_exit=DealSettings.PartnerExit.FREEZE
        )
        waiting, approved = claims(ours)
        move(ours, Partner.Status.OFFBOARDED)
        waiting.refresh_from_db()
        assert waiting.status == Deal.Status.SUBMITTED
        assert waiting.holds_claim
        frozen = AuditEvent.objects.get(
            action="deals.claims.frozen", object_id=str(ours.partner.pk)
        )
        assert set(frozen.after["registrations"]) == {waiting.reference, approved.reference}
        later = registered(ours.other_partner_rep, **customer_of(waiting))
        assert later.conflict_with_id == waiting.pk
        # The CAM decides the frozen registration; the customer is then free.
        services.deal_reject(
            actor=ours.members[Role.PROGRAM_LEADER], deal=waiting, reason=ours.reject_reason
        )
        approved = services.deal_approve(actor=ours.members[Role.PROGRAM_LEADER], deal=later)
        assert approved.holds_claim


@pytest.mark.django_db
def test_an_offboarded_partner_cannot_register_a_deal_even_with_a_session_in_flight(ours):
    rep = ours.members[Role.PARTNER_REP]  # the membership as a request loaded it before
    with scope(tenant=ours.tenant):
        draft = registered(rep, submit=False, customer_name="Late Customer Ltd")
        move(ours, Partner.Status.OFFBOARDED)
        with pytest.raises((PermissionDenied, ValidationError)):
            services.deal_submit(actor=rep, deal=draft)
        draft.refresh_from_db()
        assert draft.status == Deal.Status.DRAFT
        assert not draft.holds_claim


@pytest.mark.django_db
def test_reactivation_does_not_bring_released_claims_back(ours):
    with scope(tenant=ours.tenant):
        waiting, _approved = claims(ours)
        move(ours, Partner.Status.INACTIVE)
        move(ours, Partner.Status.ACTIVE)
        waiting.refresh_from_db()
        assert waiting.status == Deal.Status.WITHDRAWN
        # ...and the company registers again like any other.
        again = registered(ours.members[Role.PARTNER_REP], **customer_of(waiting))
        assert again.holds_claim


@pytest.mark.django_db
def test_the_rule_is_a_program_setting_in_the_admin_ui(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get(f"/admin/deals/dealsettings/{ours.deal_settings.pk}/change/")
    assert page.status_code == 200
    assert 'name="on_partner_exit"' in page.content.decode()
