"""Importing rows from a CSV file: columns, one form per row, errors by row and column.

An import is all or nothing. The file is read (`read_table`), every row is cleaned by the
importer's row form (`validate_rows`; both at once: `read_rows`), the rows are checked against
each other and the database (`CsvImporter.check`), and only when no row has an error are they
written, in one transaction (`CsvImporter.save`). Every error names its row (as a spreadsheet
numbers it: the header is row 1), its column and what is wrong, so the member can fix the file
and upload it again.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Choices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries import countries

from .reading import read_upload, split_rows

Label = str | Promise

#: the largest file an import reads, and the most rows
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportColumn:
    """A column an import reads. `key` is the row form's field name."""

    key: str
    label: Label
    #: what the column accepts, shown on the import page
    help: Label
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Row:
    """One row of the file: its number and its values by column key (text, or cleaned)."""

    number: int
    values: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: `row` is None for a problem of the whole import."""

    row: int | None
    column: str
    message: str


class RowErrors(Exception):
    """Raised by an importer's save when rows turn out wrong while writing; nothing is written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class CsvImporter:
    """What the admin's import page needs for one kind of row, bound to one request."""

    columns: Sequence[ImportColumn]
    #: the form that cleans one row's values (by column key)
    make_form: Callable[[dict[str, str]], forms.Form]
    #: errors across rows and against the database (duplicates...), without writing anything
    check: Callable[[list[Row]], list[RowError]]
    #: write every row, all or none; (rows, file name) -> the number written; may raise RowErrors
    save: Callable[[list[Row], str], int]


def _heading(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _names(column: ImportColumn) -> set[str]:
    """The headings a column answers to: its key, its label, and its English label."""
    with translation.override("en"):
        english = str(column.label)
    return {_heading(column.key), _heading(str(column.label)), _heading(english)}


def map_header(
    header: Sequence[str], columns: Sequence[ImportColumn], ignored: Iterable[str] = ()
) -> list[str | None]:
    """The column key of each heading (None for a heading that is skipped).

    Headings match case-insensitively. `ignored` headings (columns an export has that an
    import does not read) and empty ones are skipped. Raises `ValidationError` listing every
    unknown, repeated or missing column.
    """
    by_name = {name: c for c in columns for name in _names(c)}
    skipped = {_heading(h) for h in ignored}
    keys: list[str | None] = []
    problems: list[str] = []
    for heading in header:
        column = by_name.get(_heading(heading))
        if column is None and heading and _heading(heading) not in skipped:
            problems.append(
                _("Unknown column “%(heading)s”. The columns are: %(columns)s.")
                % {"heading": heading, "columns": ", ".join(str(c.label) for c in columns)}
            )
        if column is not None and column.key in keys:
            problems.append(_("The column “%(heading)s” appears twice.") % {"heading": heading})
        keys.append(column.key if column is not None else None)
    problems += [
        _("The column “%(label)s” is missing.") % {"label": c.label}
        for c in columns
        if c.required and c.key not in keys
    ]
    if problems:
        raise ValidationError(problems, code="csv_header")
    return keys


def unread_headings(headings: Iterable[str], columns: Sequence[ImportColumn]) -> list[str]:
    """The headings of `headings` that none of `columns` reads."""
    names = {name for c in columns for name in _names(c)}
    return [h for h in headings if _heading(h) not in names]


def read_table(
    upload: UploadedFile,
    *,
    columns: Sequence[ImportColumn],
    ignored: Iterable[str] = (),
    max_bytes: int,
    max_rows: int,
) -> list[Row]:
    """The rows of an uploaded file, values by column key ("" for a column the file lacks).

    Raises `ValidationError` for a problem of the file as a whole (type, size, encoding,
    quoting, rows of the wrong length, headings, a value in a column without a heading).
    """
    header, records = split_rows(read_upload(upload, max_bytes=max_bytes), max_rows=max_rows)
    keys = map_header(header, columns, ignored)
    rows = []
    for number, cells in records:
        values = {c.key: "" for c in columns}
        # split_rows made sure every row has one cell per heading
        for position, (key, value) in enumerate(zip(keys, cells, strict=True)):
            if key is not None:
                values[key] = value
            elif value and not header[position]:
                raise ValidationError(
                    _("Row %(row)d has a value in column %(col)d, which has no heading.")
                    % {"row": number, "col": position + 1},
                    code="csv_unnamed_column",
                )
        rows.append(Row(number, values))
    return rows


def validate_rows(
    rows: Iterable[Row],
    make_form: Callable[[dict[str, str]], forms.Form],
    columns: Sequence[ImportColumn],
) -> tuple[list[Row], list[RowError]]:
    """Each row through its form: the cleaned rows, and every error with its row and column."""
    labels = {c.key: str(c.label) for c in columns}
    clean: list[Row] = []
    errors: list[RowError] = []
    for row in rows:
        form = make_form(row.values)
        if form.is_valid():
            clean.append(Row(row.number, form.cleaned_data))
            continue
        for key, messages in form.errors.items():
            errors += [RowError(row.number, labels.get(key, ""), str(m)) for m in messages]
    return clean, errors


def read_rows(
    upload: UploadedFile,
    *,
    columns: Sequence[ImportColumn],
    make_form: Callable[[dict[str, str]], forms.Form],
    ignored: Iterable[str] = (),
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[Row]:
    """The rows of an uploaded file, each cleaned by its form (`read_table`, `validate_rows`).

    Raises `ValidationError` for a problem of the file as a whole (see `read_table`; a file
    without rows too) and `RowErrors` with every row's problems.
    """
    rows = read_table(
        upload, columns=columns, ignored=ignored, max_bytes=max_bytes, max_rows=max_rows
    )
    if not rows:
        raise ValidationError(_("The file has no rows below its header."))
    clean, errors = validate_rows(rows, make_form, columns)
    if errors:
        raise RowErrors(errors)
    return clean


class LookupField(forms.CharField):
    """Text matched, ignoring case, against the names in `lookup`; cleans to the matched value.

    `empty` is what a blank cell cleans to; `hint` tells the member what is accepted.
    """

    def __init__(
        self,
        *,
        lookup: dict[str, Any] | None = None,
        hint: Label = "",
        empty: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.lookup = lookup or {}
        self.hint = hint
        self.empty = empty

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return self.empty
        try:
            return self.lookup[text.casefold()]
        except KeyError:
            raise ValidationError(
                _("“%(value)s” is not one of the choices. %(hint)s")
                % {"value": text, "hint": self.hint},
                code="invalid_choice",
            ) from None


def choice_lookup(choices: type[Choices]) -> dict[str, str]:
    """Codes and labels (in the active language and in English) of `choices` -> the code."""
    lookup: dict[str, str] = {}
    for language in ("en", translation.get_language()):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[str(label).casefold()] = value
    lookup.update({str(value).casefold(): value for value in choices.values})
    return lookup


def country_lookup() -> dict[str, str]:
    """ISO codes (two or three letters) and names (active language and English) -> the code."""
    lookup: dict[str, str] = {}
    for language in ("en", translation.get_language()):
        with translation.override(language):
            for code, name in countries:
                lookup[str(name).casefold()] = code
    for code, _name in countries:
        lookup[code.casefold()] = code
        if alpha3 := countries.alpha3(code):
            lookup[alpha3.casefold()] = code
    return lookup


def names_hint(names: Iterable[Any]) -> str:
    """`Use one of: “A”, “B”.` for a column's help and its errors ("" when there is none)."""
    quoted = ", ".join(f"“{n}”" for n in names)
    return _("Use one of: %(names)s.") % {"names": quoted} if quoted else ""


def choices_hint(choices: type[Choices]) -> str:
    """`Use one of: “North America” (na), …`: the labels, with the codes that work too."""
    items = ", ".join(f"“{label}” ({value})" for value, label in choices.choices)
    return _("Use one of: %(names)s.") % {"names": items}
