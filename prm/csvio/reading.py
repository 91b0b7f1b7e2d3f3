"""Reading an uploaded CSV file: checked for type, size and encoding, split into rows.

Spreadsheets save CSV in two dialects: `,` separated, and `;` separated where the comma is the
decimal mark (most of Europe). The separator is taken from the header line. Only UTF-8 is read
(with or without a byte order mark): any other encoding would be a guess that can silently turn
names into garbage, so the member is told how to save the file instead. Rows are read strictly:
broken quoting or a row with more or fewer values than the header has columns refuses the file
with the row's number, since guessing would import values into the wrong columns.
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.uploads.checks import UploadRule, check_upload

from .writing import DANGEROUS_FIRST

#: content types browsers send for a .csv file. Windows sends Excel's own type when Excel is
#: installed, and some systems a generic one: the content is checked anyway (UTF-8, no NUL).
CSV_CONTENT_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "text/x-csv",
        "text/comma-separated-values",
        "application/csv",
        "application/vnd.ms-excel",
    }
)
DELIMITERS = (",", ";", "\t")


NOT_TEXT = gettext_lazy("This is not a text file. Save it from your spreadsheet as “CSV UTF-8”.")


def csv_rule(max_bytes: int) -> UploadRule:
    """What a CSV upload may be (`prm.uploads`): a .csv file of text, at most `max_bytes`."""
    return UploadRule(
        kinds=frozenset({"text"}),
        max_bytes=max_bytes,
        extensions=frozenset({".csv"}),
        wrong_extension=gettext_lazy("Upload a .csv file."),
        wrong_kind=NOT_TEXT,
        accept=".csv,text/csv",
    )


def read_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """The text of an uploaded CSV file. Raises `ValidationError` with a message for the member
    when it is not a .csv file of text (`csv_rule`), is larger than `max_bytes`, was sent as
    another type, or is not UTF-8 text."""
    check_upload(upload, csv_rule(max_bytes))
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in CSV_CONTENT_TYPES:
        raise ValidationError(
            _("This file is not a CSV file (it was sent as %(type)s).")
            % {"type": content_type or _("unknown")},
            code="csv_content_type",
        )
    upload.seek(0)
    # check_upload measured the file: it is at most max_bytes long
    data = upload.read(max_bytes + 1)
    if b"\x00" in data:
        raise ValidationError(NOT_TEXT, code="csv_binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "The file is not UTF-8 text (line %(line)d). Save it from your spreadsheet as "
                "“CSV UTF-8” (in Excel: File > Save As > CSV UTF-8)."
            )
            % {"line": data[: exc.start].count(b"\n") + 1},
            code="csv_encoding",
        ) from exc


def delimiter_of(text: str) -> str:
    """The separator the header line uses most: `,`, `;` or a tab (`,` for a single column)."""
    first_line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=first_line.count)


def unneutralise(text: str) -> str:
    """Undo `writing.neutralise`, so a file exported here can be edited and imported again."""
    if text.startswith("'") and text[1:].startswith(DANGEROUS_FIRST):
        return text[1:]
    return text


def split_rows(text: str, *, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header row and the other rows as (row number, cells), blank rows left out.

    Row numbers count as a spreadsheet does: the header is row 1. Cells are stripped of
    surrounding spaces and of the quote `neutralise` adds. Raises `ValidationError` for an
    empty file, more than `max_rows` rows, broken quoting (a quote that never closes, text
    after a closing quote) and rows with more or fewer values than the header has columns:
    such a row cannot be read the way it was meant (an unclosed quote swallows the rest of the
    line, an unquoted separator shifts every later value), so the whole file is refused.
    """
    delimiter = delimiter_of(text)
    # strict: a quote that never closes, or text after a closing quote, is an error instead
    # of being read into the value (the default, which silently merges cells and lines).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    miscounted: list[tuple[int, int]] = []
    number, starts_on = 0, 1
    try:
        for number, record in enumerate(reader, start=1):
            cells = [unneutralise(c.strip()) for c in record]
            starts_on = reader.line_num + 1
            if header is None:
                header = cells
            elif any(cells):
                if len(cells) != len(header):
                    miscounted.append((number, len(cells)))
                rows.append((number, cells))
                if len(rows) > max_rows:
                    raise ValidationError(
                        ngettext(
                            "The file has more than %(max)d row; split it into smaller files.",
                            "The file has more than %(max)d rows; split it into smaller files.",
                            max_rows,
                        )
                        % {"max": max_rows},
                        code="csv_too_many_rows",
                    )
    except csv.Error as exc:
        raise _unreadable(exc, row=number + 1, line=starts_on, at_line=reader.line_num) from exc
    if not header or not any(header):
        raise ValidationError(_("The file is empty."), code="csv_empty")
    if miscounted:
        raise _miscounted(miscounted, columns=len(header), delimiter=delimiter)
    return header, rows


#: rows of the wrong length named one by one; the others are counted
MAX_ROWS_NAMED = 10


def _unreadable(exc: csv.Error, *, row: int, line: int, at_line: int) -> ValidationError:
    """The message for the row the reader stopped at (it starts on `line`)."""
    where = {"row": row, "line": line}
    reason = str(exc)
    if reason == "unexpected end of data":
        return ValidationError(
            _(
                "Row %(row)d (line %(line)d) opens a quote that is never closed, so the rest of "
                "the file would be read as one value. Close the quote; a quote inside a value "
                'is written as two quotes ("").'
            )
            % where,
            code="csv_unclosed_quote",
        )
    if reason.endswith("expected after '\"'"):
        return ValidationError(
            _(
                "Row %(row)d (line %(line)d) has text after the closing quote of a value. Put "
                "the whole value in quotes; a quote inside a value is written as two quotes "
                '("").'
            )
            % where,
            code="csv_text_after_quote",
        )
    return ValidationError(
        _("Row %(row)d cannot be read as CSV near line %(line)d: %(error)s")
        % {"row": row, "line": at_line, "error": exc},
        code="csv_malformed",
    )


def _miscounted(rows: list[tuple[int, int]], *, columns: int, delimiter: str) -> ValidationError:
    """One message per row whose number of values is not the header's number of columns."""
    messages = [
        ngettext(
            "Row %(row)d has %(count)d value, but the header has %(columns)d columns.",
            "Row %(row)d has %(count)d values, but the header has %(columns)d columns.",
            count,
        )
        % {"row": number, "count": count, "columns": columns}
        for number, count in rows[:MAX_ROWS_NAMED]
    ]
    if len(rows) > MAX_ROWS_NAMED:
        more = len(rows) - MAX_ROWS_NAMED
        messages.append(
            ngettext(
                "%(count)d more row has the wrong number of values.",
                "%(count)d more rows have the wrong number of values.",
                more,
            )
            % {"count": more}
        )
    separator = _("tab") if delimiter == "\t" else delimiter
    messages.append(
        _(
            "Every row needs one value (or an empty cell) per column. A value that contains "
            "the separator (%(separator)s) must be in double quotes."
        )
        % {"separator": separator}
    )
    return ValidationError(messages, code="csv_field_count")
