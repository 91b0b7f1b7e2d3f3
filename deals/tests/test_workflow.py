"""Each status with each action: allowed ones succeed, the others are refused, changing nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import CLAIM_STATUSES, Deal
from deals.tests.factories import DealFactory, ProductFactory, RejectReasonFactory, deal_input
from deals.workflow import DEALS
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.workflow import TransitionError

STATUSES = list(Deal.Status)
#: beat's expiry is tested in test_beat.py; every other action has a service a person calls
ACTIONS = [a for a in DEALS.actions if a != "expire"]


def make(world, status: str) -> Deal:
    now = timezone.now()
    past = status != Deal.Status.DRAFT
    return DealFactory(
        partner=world.partner,
        owner=world.members[Role.PARTNER_REP],
        status=status,
        holds_claim=status in CLAIM_STATUSES,
        submitted_at=now - timedelta(hours=3) if past else None,
        sla_due_at=now + timedelta(hours=45) if past else None,
        approved_at=now - timedelta(days=1) if status == Deal.Status.APPROVED else None,
        expires_at=now + timedelta(days=80) if status == Deal.Status.APPROVED else None,
    )


def run(world, action: str, deal: Deal):  # type: ignore[no-untyped-def]
    rep, cam = world.members[Role.PARTNER_REP], world.members[Role.CAM]
    product = ProductFactory(tenant=world.tenant)
    calls = {
        "edit": lambda: services.deal_save(actor=rep, deal=deal, data=deal_input([product])),
        "submit": lambda: services.deal_submit(actor=rep, deal=deal),
        "withdraw": lambda: services.deal_withdraw(actor=rep, deal=deal),
        "approve": lambda: services.deal_approve(actor=cam, deal=deal),
        "reject": lambda: services.deal_reject(
            actor=cam, deal=deal, reason=RejectReasonFactory(tenant=world.tenant)
        ),
        "request_info": lambda: services.deal_request_info(actor=cam, deal=deal, message="Who?"),
        "win": lambda: services.deal_mark_won(
            actor=rep, deal=deal, amount=Decimal("30000"), closed_on=timezone.localdate()
        ),
        # a partner marks an open deal lost; a won one is lost by its CAM
        "lose": lambda: services.deal_mark_lost(
            actor=cam if deal.status == Deal.Status.WON else rep, deal=deal, reason="Lost on price"
        ),
        "change_amount": lambda: services.deal_change_amount(
            actor=cam, deal=deal, amount=Decimal("31000"), reason="Extra seats"
        ),
        "reopen": lambda: services.deal_reopen(actor=cam, deal=deal, reason="Back on"),
        "request_extension": lambda: services.extension_request(
            actor=rep, deal=deal, days=14, reason="Legal review takes longer"
        ),
    }
    return calls[action]()


def snapshot(deal: Deal) -> dict:
    deal.refresh_from_db()
    return model_to_dict(deal, exclude=["products"])


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_status_allows_exactly_the_actions_of_the_workflow(ours, status, action):
    with scope(tenant=ours.tenant):
        deal = make(ours, status)
        before = snapshot(deal)
        audits = AuditEvent.objects.filter(tenant=ours.tenant).count()
        rule = DEALS.actions[action]
        if status in rule.sources:
            run(ours, action, deal)
            deal.refresh_from_db()
            assert deal.status == (rule.target or status)
            assert AuditEvent.objects.filter(tenant=ours.tenant).count() > audits
        else:
            with pytest.raises(TransitionError) as refused:
                run(ours, action, deal)
            assert Deal.Status(status).label.lower() in refused.value.messages[0]
            assert snapshot(deal) == before
            assert AuditEvent.objects.filter(tenant=ours.tenant).count() == audits


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
def test_only_open_statuses_hold_a_claim_after_any_action(ours, status):
    """The database refuses a claim held by a closed registration (check constraint)."""
    from django.db import IntegrityError, transaction

    with scope(tenant=ours.tenant):
        deal = make(ours, status)
        if status in CLAIM_STATUSES:
            return
        with pytest.raises(IntegrityError), transaction.atomic():
            Deal.objects.filter(pk=deal.pk).update(holds_claim=True)
