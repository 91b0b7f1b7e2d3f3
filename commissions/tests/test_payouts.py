"""Paying statements: one by one with a date and reference, or by a payout batch of one
currency whose CSV goes to accounts payable and comes back with the payments (all or nothing);
a statement with nothing to pay is marked paid, its negative balance carried."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from commissions.models import Line, PayoutBatch, Statement
from commissions.services import payouts
from commissions.services.statements import period_close, statement_approve
from commissions.tests.factories import line_row
from prm.csvio.importing import RowErrors
from prm.exchange.services import tenant_today
from prm.metrics.periods import month_of
from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from prm.workflow import TransitionError

pytestmark = pytest.mark.django_db

S = Statement.Status


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("paid.csv", text.encode(), content_type="text/csv")


def approved(world, amount="100", partner=None, currency=None, months=2):
    """An approved statement of `partner` (A by default) for a period `months` ago."""
    period = month_of(tenant_today(world.tenant))
    for _n in range(months):
        period = month_of(period.start - timedelta(days=1))
    partner = partner or world.partner
    line_row(partner, amount, currency=currency, earned_on=period.end)
    ops = world.members[Role.PARTNER_OPS]
    period_close(actor=ops, period=period, partner_ids=[partner.pk])
    statement = Statement.objects.get(partner=partner, period_start=period.start)
    return statement_approve(actor=ops, statement=statement)


def test_ops_mark_a_statement_paid_and_its_lines_are_paid(in_ours, ops):
    statement = approved(in_ours)
    today = tenant_today(in_ours.tenant)
    with pytest.raises(ValidationError) as bad:
        payouts.statement_mark_paid(
            actor=ops, statement=statement, paid_on=today + timedelta(days=1), reference=" "
        )
    assert set(bad.value.message_dict) == {"paid_on", "reference"}
    paid = payouts.statement_mark_paid(
        actor=ops, statement=statement, paid_on=today, reference="TRF-1"
    )
    assert (paid.status, paid.paid_on, paid.payment_reference) == (S.PAID, today, "TRF-1")
    assert set(paid.lines.values_list("state", flat=True)) == {Line.State.PAID}
    told = Notification.objects.get(
        recipient=in_ours.members[Role.PARTNER_ADMIN].user, event="commissions.statement.paid"
    )
    assert "TRF-1" in told.body
    with pytest.raises(TransitionError):
        payouts.statement_mark_paid(actor=ops, statement=paid, paid_on=today, reference="TRF-2")


def test_a_cam_and_a_partner_admin_may_not_pay(in_ours, cam):
    statement = approved(in_ours)
    for member in (cam, in_ours.members[Role.PARTNER_ADMIN]):
        with pytest.raises(PermissionDenied):
            payouts.statement_mark_paid(
                actor=member,
                statement=statement,
                paid_on=tenant_today(in_ours.tenant),
                reference="X",
            )


def test_a_batch_gathers_one_currencys_statements_and_its_csv_comes_back_paid(in_ours, ops):
    world = in_ours
    cur = world.tenant.default_currency
    other = "USD" if cur != "USD" else "EUR"
    first = approved(world, "100")
    second = approved(world, "250", partner=world.other_partner)
    foreign = approved(world, "70", currency=other, months=3)
    # B's statement of last month is approved and due too (the world's)
    batch, empty = payouts.batch_create(actor=ops, currency=cur)
    assert empty == 0
    gathered = set(batch.statements.values_list("pk", flat=True))
    assert {first.pk, second.pk, world.other_statement.pk} == gathered
    assert foreign.pk not in gathered
    with pytest.raises(ValidationError):  # nothing left in this currency
        payouts.batch_create(actor=ops, currency=cur)
    lines = {row[1]: row for row in payouts.batch_lines(batch)}
    assert lines[first.reference][3] == Decimal("100.00")
    assert lines[second.reference][4] == cur
    day = tenant_today(world.tenant).isoformat()
    rows = "".join(
        f"{batch.reference},{s.reference},X,1,{cur},TRF-{s.pk},{day}\n"
        for s in Statement.objects.filter(batch=batch)
    )
    count = payouts.batch_import(
        actor=ops,
        batch=batch,
        upload=_csv(f"batch,statement,partner,amount,currency,payment_reference,paid_on\n{rows}"),
    )
    assert count == 3
    assert set(Statement.objects.filter(batch=batch).values_list("status", flat=True)) == {S.PAID}
    assert PayoutBatch.objects.get(pk=batch.pk).settled_at is not None


def test_a_batch_file_with_one_wrong_row_marks_nothing(in_ours, ops):
    statement = approved(in_ours)
    batch, _empty = payouts.batch_create(
        actor=ops, currency=statement.partner.tenant.default_currency
    )
    day = tenant_today(in_ours.tenant).isoformat()
    with pytest.raises(RowErrors) as refused:
        payouts.batch_import(
            actor=ops,
            batch=batch,
            upload=_csv(
                "statement,payment_reference,paid_on\n"
                f"{statement.reference},TRF-1,{day}\n"
                f"{in_ours.statement.reference},TRF-2,{day}\n"  # in another batch
                f"{statement.reference},TRF-3,\n"  # no date, and twice
                "=cmd(),TRF-4,2020-01-01\n"
            ),
        )
    messages = [e.message for e in refused.value.errors]
    assert any("is not a statement of" in m for m in messages)
    assert any("twice" in m for m in messages)
    assert {e.row for e in refused.value.errors} >= {3, 4, 5}
    assert Statement.objects.get(pk=statement.pk).status == S.APPROVED


def test_a_statement_paid_already_is_refused_in_the_file(in_ours, ops):
    statement = approved(in_ours)
    batch, _empty = payouts.batch_create(actor=ops, currency=in_ours.tenant.default_currency)
    day = tenant_today(in_ours.tenant)
    payouts.statement_mark_paid(actor=ops, statement=statement, paid_on=day, reference="TRF-1")
    with pytest.raises(RowErrors) as refused:
        payouts.batch_import(
            actor=ops,
            batch=batch,
            upload=_csv(
                f"statement,payment_reference,paid_on\n{statement.reference},TRF-9,{day}\n"
            ),
        )
    assert "paid already" in refused.value.errors[0].message


def test_a_statement_with_nothing_to_pay_is_marked_paid_with_the_batch(in_ours, ops):
    nothing = approved(in_ours, "-30")
    assert payouts.payable_text(nothing) == "nothing to pay"
    due = approved(in_ours, "90", partner=in_ours.other_partner, months=3)
    batch, empty = payouts.batch_create(actor=ops, currency=in_ours.tenant.default_currency)
    assert empty == 1
    nothing.refresh_from_db()
    assert nothing.status == S.PAID
    assert nothing.batch_id is None
    assert nothing.payment_reference == "nothing to pay"
    assert due.pk in set(batch.statements.values_list("pk", flat=True))


def test_the_csv_is_safe_against_formulas(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.partner.__class__.objects.filter(pk=ours.partner.pk).update(name="=HYPERLINK(1)")
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    body = b"".join(
        ops.get(
            f"/admin/commissions/statements/payoutbatch/{ours.payout_batch.pk}/csv/"
        ).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == payouts.EXPORT_HEADER
    assert not rows[1][2].startswith("=")


def test_the_payout_pages(ours, host_client):
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    listing = ops.get("/admin/commissions/payoutbatch/").content.decode()
    assert ours.payout_batch.reference in listing
    assert 'id="batch-create"' in listing  # B's statement of last month waits
    create = ops.get("/admin/commissions/statements/payoutbatch/new/")
    assert create.status_code == 200
    response = ops.post(
        "/admin/commissions/statements/payoutbatch/new/", {"currency": ours.tenant.default_currency}
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        batch = Statement.objects.get(pk=ours.other_statement.pk).batch
    assert batch is not None
    page = ops.get(f"/admin/commissions/payoutbatch/{batch.pk}/change/").content.decode()
    assert 'id="batch-import"' in page
    assert ours.other_statement.reference in page
    day = tenant_today(ours.tenant).isoformat()
    upload = _csv(
        f"statement,payment_reference,paid_on\n{ours.other_statement.reference},T-9,{day}\n"
    )
    done = ops.post(
        f"/admin/commissions/statements/payoutbatch/{batch.pk}/import/", {"file": upload}
    )
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        assert Statement.objects.get(pk=ours.other_statement.pk).payment_reference == "T-9"
    pay_url = f"/admin/commissions/statements/statement/{ours.statement.pk}/pay/"
    assert ops.post(pay_url, {"paid_on": day, "reference": "TRF-77"}).status_code == 302
    with scope(tenant=ours.tenant):
        assert Statement.objects.get(pk=ours.statement.pk).payment_reference == "TRF-77"
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/commissions/payoutbatch/").status_code == 403


def test_a_statement_reference_is_read_in_ascii_digits_only():
    assert payouts.statement_number(" cs-000042 ") == 42
    for text in ("CS-²", "CS-٣", "CS-1234567890", "CS-", "CL-000042", "=1+1"):
        assert payouts.statement_number(text) is None
