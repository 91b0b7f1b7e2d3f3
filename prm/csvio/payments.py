"""The paid file of a payment batch: accounts payable's CSV read back, every row paid or none.

An app that pays in batches (MDF claims, commission statements) gathers the rows due in one
currency in a batch and hands its CSV to accounts payable, who send it back with each row's
payment reference and the day it was paid. Loading that file back is the same wherever it is
done, so it is done here once (`PaidFile.load`):

1. the file is read and each row cleaned (`importing.read_table`, `validate_rows`): the key
   column's text, a payment reference, a day that is not in the future (`PAID_FILE_COLUMNS`);
2. the batch and its rows are locked, and every row is checked against them: it names a row of
   the batch (the app's `parse` reads the reference, "CL-000042" → 42), the app's `refusal`
   has nothing against paying it (paid already, not due), and it is not in the file twice;
3. only when no row has a problem is each row paid, through the app's own pay function, in
   one transaction: a pay function that fails pays nothing either.

Every problem of every row is reported at once (`RowErrors`, by row and column), so the member
fixes the file and loads it again. What stays in the app is what is its own: which column names
a row and how its reference reads, the sentences that name its rows ("CL-000042 is not a claim
of PB-000003."), the pay function (its workflow transition, ledger, event) and the audit of the
file, written in the app's transaction around `load`:

    PAID_FILE = PaidFile(
        key=ImportColumn("claim", _("claim"), _("The claim's reference, CL-000042."), True),
        parse=claim_number,
        export_header=EXPORT_HEADER,
        not_in_batch=lambda text, batch: ...,  # "… is not a claim of PB-000003."
        refusal=lambda claim: ...,             # "… was paid already (on …)." or None
        twice=lambda claim: ...,               # "… is in the file twice."
    )

    with transaction.atomic():
        count = PAID_FILE.load(upload, batch=batch, rows=batch.claims.all(), today=today,
                               pay=lambda claim, paid_on, reference: _pay(actor, claim, ...))
        audit_record(..., action="mdf.batch.paid", ...)

`check_payment` is the same rule for one row paid by hand (its date and reference), and
`reference_number` reads a reference ("CL-000042") the way a file and a search write it.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.filters import parse_id
from prm.forms import Form
from prm.tenancy.models import TenantOwned

from .importing import (
    MAX_BYTES,
    MAX_ROWS,
    ImportColumn,
    Row,
    RowError,
    RowErrors,
    read_table,
    validate_rows,
)

#: a row of a batch (a claim, a statement) and the batch itself
T = TypeVar("T", bound=Model)
B = TypeVar("B", bound=TenantOwned)

IN_THE_FUTURE = gettext_lazy("A payment cannot be dated in the future.")

PAYMENT_REFERENCE = ImportColumn(
    "payment_reference",
    gettext_lazy("payment reference"),
    gettext_lazy("The transfer's reference, as the partner sees it."),
    True,
    "TRF-2026-0042",
)
PAID_ON = ImportColumn(
    "paid_on",
    gettext_lazy("paid on"),
    gettext_lazy("The day it was paid: YYYY-MM-DD."),
    True,
    "2026-03-31",
)
#: the columns a paid file has besides the key column (which names the row it pays)
PAID_FILE_COLUMNS = (PAYMENT_REFERENCE, PAID_ON)

#: the longest payment reference kept (the apps' `payment_reference` fields)
REFERENCE_LENGTH = 100


def check_payment(*, paid_on: date | None, reference: str, today: date) -> str:
    """The payment reference of one row paid by hand, stripped; raises `ValidationError` by
    field (`paid_on`: missing or after `today`; `reference`: blank). The paid file's rows
    follow the same rule (`PaidRowForm`)."""
    reference = (reference or "").strip()
    errors = {}
    if paid_on is None:
        errors["paid_on"] = _("Enter the day it was paid.")
    elif paid_on > today:
        errors["paid_on"] = str(IN_THE_FUTURE)
    if not reference:
        errors["reference"] = _("Enter the payment reference the partner will see.")
    if errors:
        raise ValidationError(errors)
    return reference[:REFERENCE_LENGTH]


def reference_number(text: str, prefix: str) -> int | None:
    """The number in a reference as people write it: "cl-000042 " → 42 for the prefix "CL-";
    None for anything else. ASCII digits only ("²".isdigit() holds, but int("²") raises), at
    most nine: a number an integer column can be compared with."""
    term = (text or "").strip().upper()
    digits = term.removeprefix(prefix)
    if digits == term or len(digits) > 9:
        return None
    return parse_id(digits)


class PaidRowForm(Form):
    """One row of a paid file: the key column's text (read against the batch later, by the
    app's `parse`), the payment reference, and the day it was paid (not after `today`)."""

    payment_reference = forms.CharField(max_length=REFERENCE_LENGTH)
    paid_on = forms.DateField(input_formats=["%Y-%m-%d"])

    def __init__(self, data: dict[str, str], *, key: str, today: date) -> None:
        super().__init__(data)
        # The key column comes first, as in the file, so its errors read first too.
        self.fields = {key: forms.CharField(max_length=20), **self.fields}
        self.today = today

    def clean_paid_on(self) -> date:
        paid_on: date = self.cleaned_data["paid_on"]
        if paid_on > self.today:
            raise ValidationError(IN_THE_FUTURE)
        return paid_on


@dataclass(frozen=True)
class PaidFile(Generic[T, B]):
    """What one kind of batch's paid file is: its key column and the app's sentences.

    `parse` reads the key column's text as the value of the rows' `field` ("CS-000042" → 42),
    None for text that cannot name one. `export_header` is the batch's export: its columns
    that are not read back (partner, amount...) are skipped, so the file exported can be
    loaded as it comes back. The sentences name the app's rows: `not_in_batch(text, batch)`
    for a line naming no row of the batch, `refusal(row)` why a row of the batch may not be
    paid (None when it may), `twice(row)` for a row named again further down.
    """

    key: ImportColumn
    parse: Callable[[str], Hashable | None]
    export_header: Sequence[str]
    not_in_batch: Callable[[str, B], str]
    refusal: Callable[[T], str | None]
    twice: Callable[[T], str]
    field: str = "number"

    @property
    def columns(self) -> list[ImportColumn]:
        """The columns read, key first (the import page lists them)."""
        return [self.key, *PAID_FILE_COLUMNS]

    def load(
        self,
        upload: UploadedFile,
        *,
        batch: B,
        rows: QuerySet[T],
        today: date,
        pay: Callable[[T, date, str], Any],
    ) -> int:
        """Pay the rows the file names with its references and days, all of them or none;
        returns how many were paid.

        `rows` are the batch's rows (locked here, with the batch, until the caller's
        transaction ends); `pay(row, paid_on, reference)` pays one inside this transaction.
        Raises `ValidationError` for a problem of the file as a whole (type, size, headings,
        no rows) and `RowErrors` with every row's problems; then nothing is paid. An error
        raised by `pay` undoes the rows paid before it.
        """
        columns = self.columns
        read = {c.key for c in columns}
        table = read_table(
            upload,
            columns=columns,
            ignored=[h for h in self.export_header if h not in read],
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
        )
        if not table:
            raise ValidationError(_("The file has no rows below its header."))
        clean, errors = validate_rows(
            table, lambda values: PaidRowForm(values, key=self.key.key, today=today), columns
        )
        with transaction.atomic():
            # One load of a batch at a time: a second one waits here, then finds the rows the
            # first paid and refuses them, instead of paying them twice.
            type(batch).objects.select_for_update().get(pk=batch.pk, tenant_id=batch.tenant_id)
            # Locked in one order, so a row paid by hand meanwhile cannot deadlock with us.
            in_batch = {
                getattr(row, self.field): row
                for row in rows.select_for_update(of=("self",)).order_by("pk")
            }
            # Every row's problems at once: its values' (the form's) and the batch's.
            errors += self._row_errors(table, in_batch, batch)
            if errors:
                raise RowErrors(sorted(errors, key=lambda e: (e.row or 0, e.column)))
            for row in clean:
                pay(
                    in_batch[self.parse(row.values[self.key.key])],
                    row.values["paid_on"],
                    row.values["payment_reference"],
                )
        return len(clean)

    def _row_errors(self, table: list[Row], in_batch: dict[Any, T], batch: B) -> list[RowError]:
        """Each line against the batch: it names a row of it, that row may be paid, and no
        line above named it. One message a line, the first that applies: a row that may not
        be paid is refused on every line naming it, not said to be "twice" in the file."""
        errors: list[RowError] = []
        seen: set[Hashable] = set()
        column = str(self.key.label)
        for line in table:
            text = line.values[self.key.key]
            key = self.parse(text)
            row = in_batch.get(key) if key is not None else None
            if row is None:
                message: str | None = self.not_in_batch(text, batch)
            elif (refused := self.refusal(row)) is not None:
                message = refused
            elif key in seen:
                message = self.twice(row)
            else:
                message = None
            if message is not None:
                errors.append(RowError(line.number, column, message))
            if key is not None:
                seen.add(key)
        return errors
