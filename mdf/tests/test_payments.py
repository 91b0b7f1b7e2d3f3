"""Paying claims: one by one with a date and reference, or by a batch whose CSV goes to
accounts payable and comes back with the payments (all or nothing)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from mdf import ledger
from mdf.models import Allocation, Claim, PaymentBatch
from mdf.services import payments
from mdf.tests.factories import claim_row, request_row
from prm.csvio.importing import RowErrors
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

C = Claim.Status


def _due(world, amount: str = "1000") -> Claim:
    rep = world.members[Role.PARTNER_REP]
    funded = request_row(world.allocation, rep, status="approved", amount=amount)
    return claim_row(funded, rep, status=C.APPROVED)


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("paid.csv", text.encode(), content_type="text/csv")


def test_ops_mark_a_claim_paid_and_the_ledger_reimburses_it(in_ours):
    ops = in_ours.members[Role.PARTNER_OPS]
    claim = _due(in_ours)
    before = Allocation.objects.get(pk=in_ours.allocation.pk)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as bad:
        payments.claim_mark_paid(
            actor=ops, claim=claim, paid_on=today + timedelta(days=1), reference=""
        )
    assert set(bad.value.message_dict) == {"paid_on", "reference"}
    payments.claim_mark_paid(actor=ops, claim=claim, paid_on=today, reference="TRF-1")
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.status, claim.paid_on, claim.payment_reference) == (C.PAID, today, "TRF-1")
    after = Allocation.objects.get(pk=in_ours.allocation.pk)
    assert after.reimbursed == before.reimbursed + Decimal("1000")
    assert after.claimed == before.claimed - Decimal("1000")
    assert ledger.movements_add_up(after)


def test_a_cam_may_not_pay(in_ours, cam):
    with pytest.raises(PermissionDenied):
        payments.claim_mark_paid(
            actor=cam, claim=_due(in_ours), paid_on=timezone.localdate(), reference="X"
        )


def test_a_batch_gathers_due_claims_and_its_csv_comes_back_paid(in_ours):
    ops = in_ours.members[Role.PARTNER_OPS]
    first, second = _due(in_ours, "1000"), _due(in_ours, "1500")
    batch = payments.batch_create(actor=ops, currency=first.currency)
    assert set(batch.claims.values_list("pk", flat=True)) == {first.pk, second.pk}
    with pytest.raises(ValidationError):  # nothing left to gather
        payments.batch_create(actor=ops, currency=first.currency)
    lines = list(payments.batch_lines(batch))
    assert [line[1] for line in lines] == [first.reference, second.reference]
    assert lines[0][3] == Decimal("1000.00")
    day = timezone.localdate().isoformat()
    count = payments.batch_import(
        actor=ops,
        batch=batch,
        upload=_csv(
            "batch,claim,partner,amount,currency,request,payment_reference,paid_on\n"
            f"{batch.reference},{first.reference},A,1000,{first.currency},R,TRF-1,{day}\n"
            f"{batch.reference},{second.reference},A,1500,{first.currency},R,TRF-2,{day}\n"
        ),
    )
    assert count == 2
    assert set(Claim.objects.filter(batch=batch).values_list("status", flat=True)) == {C.PAID}
    assert PaymentBatch.objects.get(pk=batch.pk).settled_at is not None


def test_a_batch_file_with_one_wrong_row_marks_nothing(in_ours):
    ops = in_ours.members[Role.PARTNER_OPS]
    claim = _due(in_ours)
    batch = payments.batch_create(actor=ops, currency=claim.currency)
    day = timezone.localdate().isoformat()
    with pytest.raises(RowErrors) as refused:
        payments.batch_import(
            actor=ops,
            batch=batch,
            upload=_csv(
                "claim,payment_reference,paid_on\n"
                f"{claim.reference},TRF-1,{day}\n"
                f"{in_ours.claim.reference},TRF-2,{day}\n"  # not in this batch
                f"{claim.reference},TRF-3,\n"  # no date
            ),
        )
    messages = [e.message for e in refused.value.errors]
    assert any("is not a claim of" in m for m in messages)
    assert {e.row for e in refused.value.errors} >= {3, 4}
    assert Claim.objects.get(pk=claim.pk).status == C.APPROVED


def test_a_claim_paid_already_is_refused_in_the_file(in_ours):
    ops = in_ours.members[Role.PARTNER_OPS]
    claim = _due(in_ours)
    batch = payments.batch_create(actor=ops, currency=claim.currency)
    day = timezone.localdate()
    payments.claim_mark_paid(actor=ops, claim=claim, paid_on=day, reference="TRF-1")
    with pytest.raises(RowErrors) as refused:
        payments.batch_import(
            actor=ops,
            batch=batch,
            upload=_csv(f"claim,payment_reference,paid_on\n{claim.reference},TRF-9,{day}\n"),
        )
    assert "paid already" in refused.value.errors[0].message


def test_the_payment_pages(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    with scope(tenant=ours.tenant):
        due = _due(ours)
    html = ops.get("/admin/mdf/paymentbatch/").content.decode()
    assert 'id="batch-create"' in html
    response = ops.post("/admin/mdf/review/paymentbatch/new/", {"currency": due.currency})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        batch = Claim.objects.get(pk=due.pk).batch
    assert batch is not None
    csv = b"".join(ops.get(f"/admin/mdf/review/paymentbatch/{batch.pk}/csv/").streaming_content)
    assert due.reference.encode() in csv
    page = ops.get(f"/admin/mdf/paymentbatch/{batch.pk}/change/").content.decode()
    assert 'id="batch-import"' in page
    pay_url = f"/admin/mdf/review/claim/{ours.due_claim.pk}/pay/"
    day = timezone.localdate().isoformat()
    assert ops.post(pay_url, {"paid_on": day, "reference": "TRF-77"}).status_code == 302
    with scope(tenant=ours.tenant):
        assert Claim.objects.get(pk=ours.due_claim.pk).payment_reference == "TRF-77"
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/mdf/paymentbatch/").status_code == 403


def test_a_claim_reference_is_read_in_ascii_digits_only():
    assert payments.claim_number(" cl-000042 ") == 42
    for text in ("CL-²", "CL-٣", "CL-", "CS-000042", "=1+1"):
        assert payments.claim_number(text) is None
