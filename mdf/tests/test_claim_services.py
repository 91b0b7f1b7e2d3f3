"""The partner's side of a claim: start, change, proof, linked deals, submit
(`mdf.services.claims`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deals.tests.factories import DealFactory
from mdf.models import CampaignDeal, Claim, MdfRequest, ProofFile
from mdf.services.claims import (
    ClaimInput,
    claim_save,
    claim_submit,
    proof_add,
    proof_delete,
)
from mdf.services.requests import tenant_today
from mdf.tests.factories import SMALL_PDF, claim_row, request_row
from mdf.workflow import CLAIMS
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.workflow import TransitionError

pytestmark = pytest.mark.django_db
S = MdfRequest.Status
C = Claim.Status


def ran(allocation, owner, *, ended_days_ago=1, due_in=20, approved="3000"):
    """An approved request whose activity ended `ended_days_ago` days ago, claim due in
    `due_in` days."""
    row = request_row(allocation, owner, status=S.APPROVED, amount="5000", approved=approved)
    today = tenant_today(allocation.tenant)
    ends = today - timedelta(days=ended_days_ago)
    MdfRequest.objects.filter(pk=row.pk).update(
        starts_on=ends - timedelta(days=2),
        ends_on=ends,
        claim_due_on=today + timedelta(days=due_in),
    )
    row.refresh_from_db()
    return row


def pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, SMALL_PDF, content_type="application/pdf")


SPEND = ClaimInput(actual_spend=Decimal("2800"), leads=30, attendees=55, results="Good turnout")


def test_a_rep_files_a_claim_with_proof_and_it_waits_for_review(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND, proof=pdf(), submit=True)
    assert claim.status == C.SUBMITTED
    assert claim.number > in_ours.claim.number
    assert claim.sla_due_at > timezone.now()
    assert claim.proofs.get().name == "invoice.pdf"
    assert AuditEvent.objects.filter(action="mdf.claim.submitted", object_id=str(claim.pk)).exists()
    assert AuditEvent.objects.filter(action="mdf.proof.added", object_id=str(claim.pk)).exists()


def test_a_claim_needs_spend_and_at_least_one_proof_to_submit(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    draft = claim_save(actor=rep, request=request, data=ClaimInput())
    assert draft.status == C.DRAFT
    with pytest.raises(ValidationError) as exc:
        claim_submit(actor=rep, claim=draft)
    assert set(exc.value.message_dict) == {"actual_spend", "proof"}
    assert Claim.objects.get(pk=draft.pk).status == C.DRAFT


def test_a_claim_starts_once_the_activity_started_and_is_submitted_once_it_ended(in_ours, rep):
    request = ran(in_ours.allocation, rep, ended_days_ago=-5)  # ends in 5 days
    MdfRequest.objects.filter(pk=request.pk).update(
        starts_on=tenant_today(in_ours.tenant) + timedelta(days=1)
    )
    request.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        claim_save(actor=rep, request=request, data=SPEND)
    assert "once the activity has started" in exc.value.messages[0]
    MdfRequest.objects.filter(pk=request.pk).update(starts_on=tenant_today(in_ours.tenant))
    request.refresh_from_db()
    draft = claim_save(actor=rep, request=request, data=SPEND, proof=pdf())
    with pytest.raises(ValidationError) as exc:
        claim_submit(actor=rep, claim=draft)
    assert "once the activity has ended" in exc.value.message_dict["__all__"][0]


def test_after_the_deadline_the_claim_is_refused_until_extended(in_ours, rep):
    request = ran(in_ours.allocation, rep, ended_days_ago=40, due_in=-1)
    draft = claim_save(actor=rep, request=request, data=SPEND, proof=pdf())
    with pytest.raises(ValidationError) as exc:
        claim_submit(actor=rep, claim=draft)
    assert "ask your account manager to extend it" in exc.value.message_dict["__all__"][0]
    assert Claim.objects.get(pk=draft.pk).status == C.DRAFT
    # The CAM extends it (part C's service sets the new day): the claim goes through.
    MdfRequest.objects.filter(pk=request.pk).update(
        claim_due_on=tenant_today(in_ours.tenant) + timedelta(days=7)
    )
    assert claim_submit(actor=rep, claim=draft).status == C.SUBMITTED


def test_only_an_approved_request_is_claimed_and_only_once(in_ours, rep):
    waiting = request_row(in_ours.allocation, rep, status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        claim_save(actor=rep, request=waiting, data=SPEND)
    with pytest.raises(ValidationError) as exc:
        claim_save(actor=rep, request=in_ours.funded_request, data=SPEND)  # has its claim
    assert "has a claim already" in exc.value.messages[0]


def test_the_linked_deals_are_the_partners_own(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    own = in_ours.approved_deal
    claim = claim_save(actor=rep, request=request, data=SPEND, deals=[own])
    assert list(CampaignDeal.objects.filter(request=request).values_list("deal", flat=True)) == [
        own.pk
    ]
    with pytest.raises(ValidationError) as exc:
        claim_save(actor=rep, request=request, data=SPEND, deals=[in_ours.other_deal],
                   claim=claim)  # fmt: skip
    assert "deals" in exc.value.message_dict
    # A teammate's registration is not the rep's to name; the partner admin's view is wider.
    from prm.tenancy.tests.factories import partner_membership

    teammate = partner_membership(in_ours.partner, Role.PARTNER_REP)
    theirs = DealFactory(partner=in_ours.partner, owner=teammate, status="approved")
    with pytest.raises(ValidationError):
        claim_save(actor=rep, request=request, data=SPEND, deals=[theirs], claim=claim)
    admin = in_ours.members[Role.PARTNER_ADMIN]
    claim_save(actor=admin, request=request, data=SPEND, deals=[theirs], claim=claim)
    assert set(CampaignDeal.objects.filter(request=request).values_list("deal", flat=True)) == {
        theirs.pk
    }


def test_a_registration_the_vendor_rejected_is_no_campaign_deal(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    rejected = DealFactory(partner=in_ours.partner, owner=rep, status="rejected")
    lost = DealFactory(partner=in_ours.partner, owner=rep, status="lost")
    with pytest.raises(ValidationError) as exc:
        claim_save(actor=rep, request=request, data=SPEND, deals=[rejected])
    assert "deals" in exc.value.message_dict
    assert not Claim.objects.filter(request=request).exists()
    claim_save(actor=rep, request=request, data=SPEND, deals=[lost])  # lost pipeline counts
    assert list(CampaignDeal.objects.filter(request=request).values_list("deal", flat=True)) == [
        lost.pk
    ]


def test_a_deal_of_another_tenant_is_refused(in_ours, theirs, rep):
    request = ran(in_ours.allocation, rep)
    with pytest.raises(ValidationError):
        claim_save(actor=rep, request=request, data=SPEND, deals=[theirs.deal])
    assert not CampaignDeal.objects.filter(request=request).exists()


def test_a_renamed_executable_is_refused_and_nothing_is_stored(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationError) as exc:
        proof_add(actor=rep, claim=claim, file=fake)
    assert "proof" in exc.value.message_dict
    assert not ProofFile.objects.filter(claim=claim).exists()


def test_a_proof_must_be_one_of_the_accepted_kinds(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND)
    text = SimpleUploadedFile("notes.txt", b"just some notes\n")
    with pytest.raises(ValidationError):
        proof_add(actor=rep, claim=claim, file=text)
    csv = SimpleUploadedFile("attendees.csv", b"name,email\nAda,ada@example.com\n")
    assert proof_add(actor=rep, claim=claim, file=csv).name == "attendees.csv"


def test_a_claim_holds_at_most_the_configured_number_of_proofs(in_ours, rep, settings):
    settings.MDF_PROOFS_PER_CLAIM = 2
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND)
    proof_add(actor=rep, claim=claim, file=pdf("a.pdf"))
    proof_add(actor=rep, claim=claim, file=pdf("b.pdf"))
    with pytest.raises(ValidationError) as exc:
        proof_add(actor=rep, claim=claim, file=pdf("c.pdf"))
    assert "at most 2 files" in exc.value.message_dict["proof"][0]


def test_the_file_name_is_sanitised(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND)
    proof = proof_add(actor=rep, claim=claim, file=pdf("../../etc/in voice<1>.pdf"))
    assert proof.name == "in_voice1.pdf"
    assert "etc" not in proof.file.name


def test_proofs_are_deleted_by_their_uploader_or_an_admin_while_editable(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND, proof=pdf())
    proof = claim.proofs.get()
    from prm.tenancy.tests.factories import partner_membership

    stranger = partner_membership(in_ours.partner, Role.PARTNER_REP)
    with pytest.raises(PermissionDenied):
        proof_delete(actor=stranger, proof=proof)
    claim_submit(actor=rep, claim=claim)
    with pytest.raises(TransitionError):
        proof_delete(actor=rep, proof=ProofFile.objects.get(pk=proof.pk))
    with pytest.raises(TransitionError):
        proof_add(actor=rep, claim=Claim.objects.get(pk=claim.pk), file=pdf("late.pdf"))
    assert ProofFile.objects.filter(claim=claim).count() == 1


def test_a_partner_admin_deletes_a_reps_proof(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_save(actor=rep, request=request, data=SPEND, proof=pdf())
    proof_delete(actor=in_ours.members[Role.PARTNER_ADMIN], proof=claim.proofs.get())
    assert not ProofFile.objects.filter(claim=claim).exists()
    assert AuditEvent.objects.filter(action="mdf.proof.deleted", object_id=str(claim.pk)).exists()


def test_another_partners_user_cannot_work_the_claim(in_ours, rep):
    other = in_ours.other_partner_rep
    with pytest.raises(PermissionDenied):
        claim_save(actor=other, request=in_ours.funded_request, data=SPEND, claim=in_ours.claim)
    with pytest.raises(PermissionDenied):
        proof_add(actor=other, claim=in_ours.claim, file=pdf())


@pytest.mark.parametrize("status", list(C.values))
def test_every_claim_status_allows_exactly_the_partners_actions_of_the_table(in_ours, rep, status):
    request = ran(in_ours.allocation, rep)
    # claim_row inserts a paid claim before its date and reference: made approved, then paid
    claim = claim_row(request, rep, status=C.APPROVED if status == C.PAID else status)
    if status == C.PAID:
        Claim.objects.filter(pk=claim.pk).update(
            status=C.PAID, paid_on=timezone.localdate(), payment_reference="PAY-1"
        )
    for action, call in (
        ("edit", lambda c: claim_save(actor=rep, request=request, data=SPEND, claim=c)),
        ("submit", lambda c: claim_submit(actor=rep, claim=c)),
    ):
        fresh = Claim.objects.get(pk=claim.pk)
        if CLAIMS.allowed(fresh, action):
            continue
        audits = AuditEvent.objects.count()
        with pytest.raises(TransitionError) as exc:
            call(fresh)
        label = fresh.get_status_display().lower()
        assert exc.value.messages == [
            f"A claim that is {label} cannot be {CLAIMS.actions[action].verb}."
        ]
        after = Claim.objects.get(pk=claim.pk)
        assert (after.status, after.actual_spend, after.updated_at) == (
            fresh.status,
            fresh.actual_spend,
            fresh.updated_at,
        )
        assert AuditEvent.objects.count() == audits


def test_a_claim_sent_back_is_changed_and_submitted_again(in_ours, rep):
    request = ran(in_ours.allocation, rep)
    claim = claim_row(request, rep, status=C.INFO_REQUESTED)
    changed = claim_save(
        actor=rep, request=request, data=ClaimInput(actual_spend=Decimal("2500")), claim=claim,
        submit=True,
    )  # fmt: skip
    assert changed.status == C.SUBMITTED
    assert changed.actual_spend == Decimal("2500.00")


def test_a_submission_refused_after_the_upload_keeps_no_file(in_ours, rep):
    import os

    from prm.uploads.private import private_storage

    request = ran(in_ours.allocation, rep, ended_days_ago=40, due_in=-1)  # deadline passed
    root = private_storage().path(f"mdf/{in_ours.tenant.pk}")

    def stored() -> set[str]:
        return {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files}

    before = stored()
    with pytest.raises(ValidationError):
        claim_save(actor=rep, request=request, data=SPEND, proof=pdf(), submit=True)
    assert not Claim.objects.filter(request=request).exists()
    assert stored() == before
