"""Writing CSV files that spreadsheets open right and cannot be tricked into running formulas.

Formula injection (OWASP "CSV injection"): Excel, LibreOffice and Google Sheets treat a cell that
starts with =, +, - or @ as a formula (a tab or a carriage return in front does not stop them),
and a formula can fetch URLs or run commands. The rule here:

- Text is neutralised: a text cell whose first character is one of `DANGEROUS_FIRST` is written
  with a single quote in front (`'=1+1`), which spreadsheets show as text. All text is treated so,
  whoever typed it: the writer cannot tell a partner's name from a label.
- Numbers the product writes as numbers (int, Decimal, float) are kept as they are: -5 is a
  number a spreadsheet should be able to sum, and a number cannot hold a formula. The *text*
  "-5" is neutralised (`'-5`). Dates are written as ISO text (2025-01-31), which cannot start
  with a dangerous character.
- Every cell is quoted, so a cell holding a `;` cannot turn into a second cell (which might start
  with =) in a spreadsheet that splits lines on semicolons.

Files are UTF-8 with a byte order mark: Excel needs the mark to read anything but ASCII right.
"""

import csv
import html
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeData
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope
from django_scopes.state import get_scope

#: a text cell starting with one of these is written with a single quote in front
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
#: rows rendered per chunk of a streamed response
CHUNK_ROWS = 500

Cell = str | int | float | Decimal


def neutralise(text: str) -> str:
    """The text as a spreadsheet must show it: as text, never as a formula."""
    return "'" + text if text.startswith(DANGEROUS_FIRST) else text


def cell(value: Any) -> Cell:
    """A value as a CSV cell: numbers stay numbers, dates become ISO text, the rest neutralised
    text (HTML from an admin display method loses its tags first)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, SafeData):
        text = html.unescape(strip_tags(text))
    return neutralise(text)


class _Echo:
    """A file-like object whose write() hands back the line: csv.writer then yields lines."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The lines of a CSV file, the byte order mark first, every cell through `cell()`."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield BOM + writer.writerow([cell(h) for h in header])
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


class _RequestContext:
    """The tenant scope, language and time zone of the request, to enter again later.

    A streamed body is produced after the middleware has returned, so after it has left the
    tenant's scope, language and time zone. The rows must still be made in them (labels in the
    tenant's language, times in its zone, related rows through scoped managers): each chunk
    enters them again, and leaves them before it is handed on, so nothing leaks past the stream.
    """

    def __init__(self) -> None:
        self.scope = dict(get_scope())
        self.language = translation.get_language()
        self.time_zone = timezone.get_current_timezone()

    def enter(self, stack: ExitStack) -> None:
        if self.scope:
            stack.enter_context(scope(**self.scope))
        stack.enter_context(translation.override(self.language))
        stack.enter_context(timezone.override(self.time_zone))


def csv_response(
    *, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download streamed in chunks of `CHUNK_ROWS` rows; `rows` is consumed lazily, so a
    query iterated in it runs while the file streams, never all in memory."""
    context = _RequestContext()
    lines = csv_lines(header, rows)

    def chunks() -> Iterator[bytes]:
        while True:
            with ExitStack() as stack:
                context.enter(stack)
                part = "".join(islice(lines, CHUNK_ROWS))
            if not part:
                return
            yield part.encode("utf-8")

    return StreamingHttpResponse(
        chunks(),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            # Private data: never kept by a shared cache or the browser's.
            "Cache-Control": "private, no-store",
        },
    )


def export_filename(tenant_slug: str, name: str, day: date | None = None) -> str:
    """`acme-partners-2025-01-31.csv`: whose data, what, from when (the tenant's date)."""
    parts = [tenant_slug, slugify(name)]
    if day is not None:
        parts.append(day.isoformat())
    return "-".join(p for p in parts if p) + ".csv"
