"""Every request status × every vendor decision: the allowed ones succeed, the others are
refused with the workflow's sentence and change nothing (no status, no movement, no audit)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from mdf.models import Fund, MdfRequest, Movement
from mdf.services import review
from mdf.tests.factories import request_row
from mdf.workflow import REQUESTS
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.workflow import TransitionError

pytestmark = pytest.mark.django_db

S = MdfRequest.Status

ACTIONS = {
    "approve": lambda actor, r: review.request_approve(actor=actor, mdf_request=r, reason="ok"),
    "approve_first": lambda actor, r: review.request_approve(
        actor=actor, mdf_request=r, reason="big one"
    ),
    "approve_second": lambda actor, r: review.request_approve_second(
        actor=actor, mdf_request=r, reason="agreed"
    ),
    "request_info": lambda actor, r: review.request_info(
        actor=actor, mdf_request=r, question="Which venue?"
    ),
    "reject": lambda actor, r: review.request_reject(
        actor=actor, mdf_request=r, reason="Fix the dates"
    ),
    "decline": lambda actor, r: review.request_decline(
        actor=actor, mdf_request=r, reason="Out of scope"
    ),
    "extend_claim": lambda actor, r: review.claim_deadline_extend(
        actor=actor,
        mdf_request=r,
        until=max(filter(None, [r.claim_due_on, timezone.localdate()])) + timedelta(days=20),
        reason="Invoices are late",
    ),
    "release": lambda actor, r: review.request_release(
        actor=actor, mdf_request=r, reason="The event was cancelled"
    ),
}


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_status_allows_exactly_its_actions(in_ours, status, action):
    ours = in_ours
    leader = ours.members[Role.PROGRAM_LEADER]
    if action == "approve_first":
        # above the threshold: the CAM's approval waits for a program leader
        Fund.objects.filter(pk=ours.fund.pk).update(second_approval_above=Decimal("500"))
    mdf_request = request_row(
        ours.allocation, ours.members[Role.PARTNER_REP], status=status, amount="1000"
    )
    mdf_request = MdfRequest.objects.get(pk=mdf_request.pk)
    allowed = REQUESTS.allowed(mdf_request, action)
    movements = Movement.objects.filter(tenant=ours.tenant).count()
    audits = AuditEvent.objects.filter(tenant=ours.tenant).count()
    if allowed:
        ACTIONS[action](leader, mdf_request)
        mdf_request.refresh_from_db()
        target = REQUESTS.actions[action].target
        assert mdf_request.status == (target or status)
        assert AuditEvent.objects.filter(tenant=ours.tenant).count() == audits + 1
        return
    with pytest.raises(TransitionError) as refused, transaction.atomic():
        ACTIONS[action](leader, mdf_request)
    assert refused.value.messages == [
        str(REQUESTS.refusal)
        % {
            "status": str(S(status).label).lower(),
            "verb": REQUESTS.actions[action].verb,
        }
    ]
    mdf_request.refresh_from_db()
    assert mdf_request.status == status
    assert Movement.objects.filter(tenant=ours.tenant).count() == movements
    assert AuditEvent.objects.filter(tenant=ours.tenant).count() == audits
