"""The paid file of a payment batch (`prm.csvio.payments`), over the world's MDF payment batch
with a pay function of the test's own: every line is checked against the batch (a row of it,
payable, named once) and only a file without errors pays, all of it, in one transaction."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_scopes import scope

from mdf.models import Claim, PaymentBatch
from prm.csvio.importing import ImportColumn, RowErrors
from prm.csvio.payments import PaidFile, check_payment, reference_number

pytestmark = pytest.mark.django_db

PAID = Claim.Status.PAID
TODAY = date(2026, 6, 30)


def number(text: str) -> int | None:
    term = text.strip().upper()
    return int(term[2:]) if term.startswith("N-") and term[2:].isdigit() else None


PAID_FILE: PaidFile[Claim, PaymentBatch] = PaidFile(
    key=ImportColumn("row", gettext_lazy("row"), gettext_lazy("N-42"), True),
    parse=number,
    export_header=["batch", "row", "partner", "amount", "payment_reference", "paid_on"],
    not_in_batch=lambda text, batch: f"{text} is not in {batch.reference}",
    refusal=lambda claim: f"N-{claim.number} paid already" if claim.status == PAID else None,
    twice=lambda claim: f"N-{claim.number} twice",
)


class Payer:
    """A pay function of the test's own: it marks the claim paid (the row changes in the
    database, so a rollback shows) and remembers what it was given; `fail_on` raises."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.paid: list[tuple[int, date, str]] = []
        self.fail_on = fail_on

    def __call__(self, claim: Claim, paid_on: date, reference: str) -> None:
        if claim.number == self.fail_on:
            raise RuntimeError("the ledger refused")
        Claim.objects.filter(pk=claim.pk).update(
            status=PAID, paid_on=paid_on, payment_reference=reference
        )
        self.paid.append((claim.number, paid_on, reference))


@pytest.fixture
def batch(ours):
    """The world's payment batch holding two claims: the due one and partner A's other."""
    with scope(tenant=ours.tenant):
        Claim.objects.filter(pk=ours.claim.pk).update(batch=ours.payment_batch)
        yield ours.payment_batch


def load(batch: PaymentBatch, text: str, pay: Payer) -> int:
    upload = SimpleUploadedFile("paid.csv", text.encode(), content_type="text/csv")
    return PAID_FILE.load(
        upload,
        batch=batch,
        rows=Claim.objects.filter(tenant_id=batch.tenant_id, batch=batch),
        today=TODAY,
        pay=pay,
    )


def paid_file(*lines: tuple[str, str, str]) -> str:
    """A paid file of (row, payment reference, paid on) lines, below the columns read."""
    return "row,payment_reference,paid_on\n" + "".join(f"{','.join(line)}\n" for line in lines)


def refused(batch: PaymentBatch, text: str) -> list[tuple[int | None, str, str]]:
    """The errors of a file that must pay nothing: (row, column, message)."""
    pay = Payer()
    before = set(Claim.objects.filter(batch=batch).values_list("pk", "status"))
    with pytest.raises(RowErrors) as caught:
        load(batch, text, pay)
    assert pay.paid == []
    assert set(Claim.objects.filter(batch=batch).values_list("pk", "status")) == before
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_every_row_of_the_file_is_paid_with_its_reference_and_day(ours, batch):
    due, other = ours.due_claim.number, ours.claim.number
    pay = Payer()
    count = load(
        batch,
        # the export as it comes back: its other columns skipped, the key in any case
        "batch,row,partner,amount,payment_reference,paid_on\n"
        f"{batch.reference},N-{due},A,1000, TRF-1 ,2026-06-30\n"
        f"{batch.reference},n-{other},A,500,TRF-2,2026-06-01\n",
        pay,
    )
    assert count == 2
    assert pay.paid == [(due, TODAY, "TRF-1"), (other, date(2026, 6, 1), "TRF-2")]
    assert set(Claim.objects.filter(batch=batch).values_list("payment_reference", flat=True)) == {
        "TRF-1",
        "TRF-2",
    }


def test_a_file_may_pay_part_of_the_batch(ours, batch):
    pay = Payer()
    load(batch, paid_file((f"N-{ours.claim.number}", "TRF-1", "2026-06-30")), pay)
    assert [n for n, _day, _ref in pay.paid] == [ours.claim.number]
    assert Claim.objects.get(pk=ours.due_claim.pk).status != PAID


def test_each_rows_values_are_checked_by_column(ours, batch):
    due = ours.due_claim.number
    errors = refused(
        batch,
        paid_file(
            (f"N-{due}", "", "2026-06-30"),
            (f"N-{ours.claim.number}", "TRF-2", "30/06/2026"),
            (f"N-{due + 1000}", "TRF-3", "2026-07-01"),
        ),
    )
    by_cell = {(row, column): message for row, column, message in errors}
    assert set(by_cell) == {(2, "payment reference"), (3, "paid on"), (4, "row"), (4, "paid on")}
    assert by_cell[(4, "paid on")] == "A payment cannot be dated in the future."
    assert by_cell[(4, "row")] == f"N-{due + 1000} is not in {batch.reference}"
    assert [row for row, _column, _message in errors] == [2, 3, 4, 4]  # in the file's order


def test_a_row_not_in_the_batch_is_refused_as_the_file_names_it(ours, batch):
    errors = refused(
        batch,
        paid_file(
            (f"N-{ours.due_claim.number}", "TRF-1", "2026-06-30"),
            (f"N-{ours.other_claim.number}", "TRF-2", "2026-06-30"),  # partner B's, in no batch
            ("=cmd()", "TRF-3", "2026-06-30"),
            ("N-999999", "TRF-4", "2026-06-30"),
        ),
    )
    assert errors == [
        (3, "row", f"N-{ours.other_claim.number} is not in {batch.reference}"),
        (4, "row", f"=cmd() is not in {batch.reference}"),
        (5, "row", f"N-999999 is not in {batch.reference}"),
    ]


def test_a_row_named_twice_is_refused_below_its_first_line(ours, batch):
    due = ours.due_claim.number
    errors = refused(
        batch,
        paid_file(
            (f"N-{due}", "TRF-1", "2026-06-30"),
            (f"N-{ours.claim.number}", "TRF-2", "2026-06-30"),
            (f" n-{due} ", "TRF-3", "2026-06-29"),
        ),
    )
    assert errors == [(4, "row", f"N-{due} twice")]


def test_a_row_paid_already_is_refused_on_every_line_naming_it(ours, batch):
    due = ours.due_claim.number
    Payer()(Claim.objects.get(pk=ours.due_claim.pk), TODAY, "TRF-0")
    errors = refused(
        batch,
        paid_file(
            (f"N-{due}", "TRF-1", "2026-06-30"),
            (f"N-{ours.claim.number}", "TRF-2", "2026-06-30"),
            (f"N-{due}", "TRF-3", "2026-06-30"),
        ),
    )
    assert errors == [(2, "row", f"N-{due} paid already"), (4, "row", f"N-{due} paid already")]
    assert Claim.objects.get(pk=ours.due_claim.pk).payment_reference == "TRF-0"


def test_a_pay_function_that_fails_undoes_the_rows_paid_before_it(ours, batch):
    pay = Payer(fail_on=ours.claim.number)
    with pytest.raises(RuntimeError):
        load(
            batch,
            paid_file(
                (f"N-{ours.due_claim.number}", "TRF-1", "2026-06-30"),
                (f"N-{ours.claim.number}", "TRF-2", "2026-06-30"),
            ),
            pay,
        )
    assert [n for n, _day, _ref in pay.paid] == [ours.due_claim.number]  # it ran, then undone
    assert not Claim.objects.filter(batch=batch, status=PAID).exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (paid_file(), "no rows below its header"),
        ("row,payment_reference\nN-1,TRF-1\n", "“paid on” is missing"),
        ("row,payment_reference,paid_on,notes\nN-1,TRF-1,2026-06-30,x\n", "Unknown column"),
    ],
)
def test_a_file_that_cannot_be_read_pays_nothing(batch, text, says):
    pay = Payer()
    with pytest.raises(ValidationError) as caught:
        load(batch, text, pay)
    assert says in " ".join(caught.value.messages)
    assert pay.paid == []


def test_the_columns_are_the_key_then_the_reference_and_the_day():
    assert [c.key for c in PAID_FILE.columns] == ["row", "payment_reference", "paid_on"]
    assert all(c.required for c in PAID_FILE.columns)


def test_a_payment_by_hand_needs_a_day_not_in_the_future_and_a_reference():
    today = timezone.localdate()
    with pytest.raises(ValidationError) as bad:
        check_payment(paid_on=today + timedelta(days=1), reference="  ", today=today)
    assert set(bad.value.message_dict) == {"paid_on", "reference"}
    with pytest.raises(ValidationError) as missing:
        check_payment(paid_on=None, reference="TRF-1", today=today)
    assert set(missing.value.message_dict) == {"paid_on"}
    assert check_payment(paid_on=today, reference=f" {'T' * 120} ", today=today) == "T" * 100


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("CL-000042", 42),
        (" cl-42 ", 42),
        ("CL-999999999", 999999999),
        ("CL-1234567890", None),  # past what an integer column compares with
        ("CL-²", None),  # "²".isdigit() holds, int("²") raises
        ("CL-٣", None),
        ("CL-000000", None),
        ("CL-", None),
        ("CS-000042", None),
        ("000042", None),
        ("=1+1", None),
    ],
)
def test_a_reference_is_read_as_its_number_in_ascii_digits(text, number):
    assert reference_number(text, "CL-") == number
