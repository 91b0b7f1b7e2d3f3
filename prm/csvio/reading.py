"""Reading an uploaded CSV file: checked for type, size and encoding, split into rows.

Spreadsheets save CSV in two dialects: `,` separated, and `;` separated where the comma is the
decimal mark (most of Europe). The separator is taken from the header line. Only UTF-8 is read
(with or without a byte order mark): any other encoding would be a guess that can silently turn
names into garbage, so the member is told how to save the file instead.
"""

import csv
import io
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def read_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """The text of an uploaded CSV file. Raises `ValidationError` with a message for the member
    when it is not a .csv file, is larger than `max_bytes`, or is not UTF-8 text."""
    if os.path.splitext(upload.name or "")[1].lower() != ".csv":
        raise ValidationError(_("Upload a .csv file."), code="csv_extension")
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in CSV_CONTENT_TYPES:
        raise ValidationError(
            _("This file is not a CSV file (it was sent as %(type)s).")
            % {"type": content_type or _("unknown")},
            code="csv_content_type",
        )
    too_large = ValidationError(
        _("The file is too large: at most %(size)s MB.") % {"size": f"{max_bytes / 2**20:g}"},
        code="csv_too_large",
    )
    if upload.size is not None and upload.size > max_bytes:
        raise too_large
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    if b"\x00" in data:
        raise ValidationError(
            _("This is not a text file. Save it from your spreadsheet as “CSV UTF-8”."),
            code="csv_binary",
        )
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
    empty file, broken quoting or more than `max_rows` rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [unneutralise(c.strip()) for c in record]
            if header is None:
                header = cells
            elif any(cells):
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
        raise ValidationError(
            _("The file cannot be read as CSV near line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": exc},
            code="csv_malformed",
        ) from exc
    if not header or not any(header):
        raise ValidationError(_("The file is empty."), code="csv_empty")
    return header, rows
