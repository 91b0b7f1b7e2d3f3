"""Beat: SLA escalation, expiry warnings, expiry and unanswered leads each fire once."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from deals import services
from deals.models import Deal, Lead
from deals.services import leads
from deals.tasks import deals_sweep_task
from deals.tests.factories import LeadFactory, registered
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

UTC = ZoneInfo("UTC")


def titles(member, event: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient=member.user, event=event).values_list(
            "title", flat=True
        )
    )


def test_overdue_registration_escalates_to_cams_then_leaders_once_each(world):
    deal = registered(world.members[Role.PARTNER_REP])
    cam, leader = world.members[Role.CAM], world.members[Role.PROGRAM_LEADER]
    assert services.deals_escalate(tenant=world.tenant) == 0
    late = deal.sla_due_at + timedelta(minutes=1)
    assert services.deals_escalate(tenant=world.tenant, now=late) == 1
    assert services.deals_escalate(tenant=world.tenant, now=late) == 0
    assert len(titles(cam, "deals.deal.sla_overdue")) == 1
    assert titles(leader, "deals.deal.sla_escalated") == []
    much_later = late + timedelta(days=7)
    assert services.deals_escalate(tenant=world.tenant, now=much_later) == 1
    assert services.deals_escalate(tenant=world.tenant, now=much_later) == 0
    assert len(titles(leader, "deals.deal.sla_escalated")) == 1
    assert len(titles(cam, "deals.deal.sla_overdue")) == 1


def test_a_decided_registration_never_escalates(world):
    deal = registered(world.members[Role.PARTNER_REP])
    services.deal_approve(actor=world.members[Role.CAM], deal=deal)
    later = deal.sla_due_at + timedelta(days=9)
    assert services.deals_escalate(tenant=world.tenant, now=later) == 0


def approved(world) -> Deal:
    deal = registered(world.members[Role.PARTNER_REP])
    return services.deal_approve(actor=world.members[Role.CAM], deal=deal)


def test_expiry_warning_and_expiry_fire_once(world):
    deal = approved(world)
    rep = world.members[Role.PARTNER_REP]
    soon = deal.expires_at - timedelta(days=3)
    assert services.deals_warn_expiring(tenant=world.tenant, now=soon) == 1
    assert services.deals_warn_expiring(tenant=world.tenant, now=soon) == 0
    assert len(titles(rep, "deals.deal.expiring")) == 1
    after = deal.expires_at + timedelta(seconds=1)
    assert services.deals_expire(tenant=world.tenant, now=after) == 1
    assert services.deals_expire(tenant=world.tenant, now=after) == 0
    deal.refresh_from_db()
    assert deal.status == Deal.Status.EXPIRED
    assert not deal.holds_claim
    assert len(titles(rep, "deals.deal.expired")) == 1


def test_extension_moves_the_expiry_and_warns_again(world):
    deal = approved(world)
    soon = deal.expires_at - timedelta(days=3)
    services.deals_warn_expiring(tenant=world.tenant, now=soon)
    extension = services.extension_request(
        actor=world.members[Role.PARTNER_REP], deal=deal, days=30, reason="Board meets in March"
    )
    before = deal.expires_at
    services.extension_decide(actor=world.members[Role.CAM], extension=extension, approve=True)
    deal.refresh_from_db()
    assert deal.expires_at == before + timedelta(days=30)
    assert services.deals_expire(tenant=world.tenant, now=before + timedelta(days=1)) == 0
    new_warning = deal.expires_at - timedelta(days=2)
    assert services.deals_warn_expiring(tenant=world.tenant, now=new_warning) == 1


def test_unanswered_lead_returns_to_the_queue_once(world):
    lead = LeadFactory(tenant=world.tenant)
    leads.lead_assign(actor=world.members[Role.CAM], lead=lead, partner=world.partner)
    lead.refresh_from_db()
    later = lead.respond_by + timedelta(minutes=1)
    assert leads.leads_expire(tenant=world.tenant, now=later) == 1
    assert leads.leads_expire(tenant=world.tenant, now=later) == 0
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW
    assert lead.partner is None
    assert lead.returned_count == 1
    assert len(titles(world.members[Role.CAM], "deals.lead.expired")) == 1


def test_sweep_task_runs_every_step_in_the_tenants_scope(world):
    deal = registered(world.members[Role.PARTNER_REP])
    Deal.objects.filter(pk=deal.pk).update(sla_due_at=timezone.now() - timedelta(hours=1))
    result = deals_sweep_task(tenant_id=world.tenant.pk)
    assert result == {"escalated": 1, "warned": 0, "expired": 0, "leads_returned": 0}
