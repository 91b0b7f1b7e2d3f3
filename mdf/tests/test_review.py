"""The vendor's decisions on MDF requests: partial approval, two-level approval, refusals with
reasons, the claim deadline's extension, releasing a commitment, and who may decide."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mdf import ledger
from mdf.models import Allocation, Fund, MdfRequest
from mdf.services import review
from mdf.tests.factories import request_row
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

S = MdfRequest.Status


def _fresh(mdf_request: MdfRequest) -> MdfRequest:
    return MdfRequest.objects.get(pk=mdf_request.pk)


def test_a_cam_approves_part_of_a_request_with_a_reason(in_ours, cam):
    mdf_request = in_ours.mdf_request  # 5,000 asked
    before = Allocation.objects.get(pk=in_ours.allocation.pk).committed
    review.request_approve(
        actor=cam, mdf_request=mdf_request, amount=Decimal("3000"), reason="Venue only"
    )
    mdf_request = _fresh(mdf_request)
    assert mdf_request.status == S.APPROVED
    assert mdf_request.approved_amount == Decimal("3000.00")
    assert mdf_request.decision_reason == "Venue only"
    assert mdf_request.decided_by == cam.user
    assert mdf_request.decision_hours is not None
    assert mdf_request.claim_due_on == mdf_request.ends_on + timedelta(days=30)
    allocation = Allocation.objects.get(pk=in_ours.allocation.pk)
    assert allocation.committed == before + Decimal("3000.00")
    assert ledger.held_by(mdf_request) == Decimal("3000.00")
    assert ledger.movements_add_up(allocation)
    event = AuditEvent.objects.get(action="mdf.request.approved", object_id=str(mdf_request.pk))
    assert event.reason == "Venue only"


def test_a_partial_approval_needs_a_reason_and_an_amount_within_the_request(in_ours, cam):
    mdf_request = in_ours.mdf_request
    with pytest.raises(ValidationError) as no_reason:
        review.request_approve(actor=cam, mdf_request=mdf_request, amount=Decimal("1000"))
    assert "reason" in no_reason.value.message_dict
    for amount in ("0", "-5", "5000.01"):
        with pytest.raises(ValidationError) as bad:
            review.request_approve(
                actor=cam, mdf_request=mdf_request, amount=Decimal(amount), reason="x"
            )
        assert "amount" in bad.value.message_dict
    assert _fresh(mdf_request).status == S.SUBMITTED


def test_an_approval_the_allocation_cannot_cover_is_refused_with_the_ledgers_sentence(
    in_ours, cam, rep
):
    big = request_row(in_ours.allocation, rep, amount="14000")  # 13,000 available
    with (
        pytest.raises(ledger.LedgerError, match=r"13,000\.00 is available"),
        transaction.atomic(),
    ):
        review.request_approve(actor=cam, mdf_request=big)
    assert _fresh(big).status == S.SUBMITTED
    assert not big.movements.exists()
    assert not AuditEvent.objects.filter(object_id=str(big.pk), action__startswith="mdf.request")
    # part of it fits
    review.request_approve(
        actor=cam, mdf_request=big, amount=Decimal("13000"), reason="What is left"
    )
    assert Allocation.objects.get(pk=in_ours.allocation.pk).available == 0


def test_above_the_threshold_a_program_leader_approves_too(in_ours, cam):
    ours = in_ours
    Fund.objects.filter(pk=ours.fund.pk).update(second_approval_above=Decimal("4000"))
    mdf_request = _fresh(ours.mdf_request)
    review.request_approve(actor=cam, mdf_request=mdf_request, reason="")
    mdf_request = _fresh(mdf_request)
    assert mdf_request.status == S.SECOND_APPROVAL
    assert mdf_request.first_approved_by == cam.user
    # the money is committed at once: nothing else can take it meanwhile
    assert ledger.held_by(mdf_request) == Decimal("5000.00")
    # a CAM cannot give the second approval
    with pytest.raises(PermissionDenied):
        review.request_approve_second(actor=cam, mdf_request=mdf_request)
    leader = ours.members[Role.PROGRAM_LEADER]
    review.request_approve_second(actor=leader, mdf_request=mdf_request, reason="Agreed")
    mdf_request = _fresh(mdf_request)
    assert mdf_request.status == S.APPROVED
    assert mdf_request.decided_by == leader.user
    assert ledger.held_by(mdf_request) == Decimal("5000.00")


def test_the_first_approver_cannot_give_the_second_approval(in_ours):
    ours = in_ours
    leader = ours.members[Role.PROGRAM_LEADER]
    Fund.objects.filter(pk=ours.fund.pk).update(second_approval_above=Decimal("4000"))
    review.request_approve(actor=leader, mdf_request=_fresh(ours.mdf_request))
    with pytest.raises(ValidationError, match="another program leader"):
        review.request_approve_second(actor=leader, mdf_request=_fresh(ours.mdf_request))


@pytest.mark.parametrize("refuse", [review.request_reject, review.request_decline])
def test_refusing_at_the_second_approval_gives_the_money_back(in_ours, cam, refuse):
    ours = in_ours
    Fund.objects.filter(pk=ours.fund.pk).update(second_approval_above=Decimal("4000"))
    review.request_approve(actor=cam, mdf_request=_fresh(ours.mdf_request))
    committed = Allocation.objects.get(pk=ours.allocation.pk).committed
    refuse(
        actor=ours.members[Role.PROGRAM_LEADER],
        mdf_request=_fresh(ours.mdf_request),
        reason="Too much for one event",
    )
    mdf_request = _fresh(ours.mdf_request)
    assert ledger.held_by(mdf_request) == 0
    assert mdf_request.approved_amount is None
    assert Allocation.objects.get(pk=ours.allocation.pk).committed == committed - 5000
    assert mdf_request.decision_reason == "Too much for one event"


def test_reject_may_be_resubmitted_decline_is_final_each_with_a_reason(in_ours, cam, rep):
    with pytest.raises(ValidationError):
        review.request_reject(actor=cam, mdf_request=in_ours.mdf_request, reason="  ")
    review.request_reject(actor=cam, mdf_request=in_ours.mdf_request, reason="Fix the dates")
    assert _fresh(in_ours.mdf_request).status == S.REJECTED
    other = request_row(in_ours.allocation, rep)
    review.request_decline(actor=cam, mdf_request=other, reason="Not a fit")
    declined = _fresh(other)
    assert declined.status == S.DECLINED
    assert declined.decision_reason == "Not a fit"


def test_asking_for_information_needs_a_question_the_partner_sees(in_ours, cam):
    with pytest.raises(ValidationError):
        review.request_info(actor=cam, mdf_request=in_ours.mdf_request, question="")
    review.request_info(actor=cam, mdf_request=in_ours.mdf_request, question="Which venue?")
    mdf_request = _fresh(in_ours.mdf_request)
    assert mdf_request.status == S.INFO_REQUESTED
    assert mdf_request.info_question == "Which venue?"


def test_a_cam_of_other_partners_and_partner_users_may_not_decide(in_ours, cam, rep):
    with pytest.raises(PermissionDenied):
        review.request_approve(actor=cam, mdf_request=in_ours.other_mdf_request)
    with pytest.raises(PermissionDenied):
        review.request_reject(actor=rep, mdf_request=in_ours.mdf_request, reason="mine")
    with pytest.raises(PermissionDenied):  # partner ops see but do not decide
        review.request_approve(
            actor=in_ours.members[Role.PARTNER_OPS], mdf_request=in_ours.mdf_request
        )
    assert _fresh(in_ours.other_mdf_request).status == S.SUBMITTED


def test_a_cam_extends_the_claim_deadline_with_a_reason(in_ours, cam):
    funded = _fresh(in_ours.funded_request)
    until = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError):
        review.claim_deadline_extend(actor=cam, mdf_request=funded, until=until, reason="")
    with pytest.raises(ValidationError) as earlier:
        review.claim_deadline_extend(
            actor=cam, mdf_request=funded, until=timezone.localdate(), reason="late"
        )
    assert "until" in earlier.value.message_dict
    MdfRequest.objects.filter(pk=funded.pk).update(claim_reminders=3)
    review.claim_deadline_extend(
        actor=cam, mdf_request=funded, until=until, reason="Invoices are late"
    )
    funded = _fresh(funded)
    assert funded.claim_due_on == until
    assert funded.claim_extension_reason == "Invoices are late"
    assert funded.claim_reminders == 0
    assert AuditEvent.objects.filter(action="mdf.claim.extended", object_id=str(funded.pk))


def test_releasing_gives_back_what_an_unclaimed_request_holds(in_ours, cam, rep):
    approved = request_row(in_ours.allocation, rep, status=S.APPROVED, amount="1500")
    committed = Allocation.objects.get(pk=in_ours.allocation.pk).committed
    review.request_release(actor=cam, mdf_request=approved, reason="Event cancelled")
    assert ledger.held_by(approved) == 0
    assert Allocation.objects.get(pk=in_ours.allocation.pk).committed == committed - 1500
    # nothing left to release; and a request whose claim is filed is decided through its claim
    with pytest.raises(ValidationError, match="holds nothing"):
        review.request_release(actor=cam, mdf_request=_fresh(approved), reason="again")
    with pytest.raises(ValidationError, match="decide the claim"):
        review.request_release(actor=cam, mdf_request=in_ours.funded_request, reason="no")
