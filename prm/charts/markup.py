"""The SVG and HTML every chart shares: elements, the figure around the drawing (title,
description, the data table that says every figure to a screen reader), the empty state.

Nothing here writes an inline `style=` (the security headers forbid it) or a script: colours and
fonts are presentation attributes, so browsers and WeasyPrint draw the same thing. Text and axes
are `currentColor`: they follow the page's text colour (the admin UI's dark theme too) and are
black in a PDF.
"""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

#: the system's own sans-serif first; DejaVu Sans is what a fresh server renders PDFs with
FONT_STACK = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', "
    "sans-serif"
)
FONT_SIZE = 12
#: an empty chart's height: its sentence, not a tall blank box
EMPTY_HEIGHT = 120
#: an estimate of a character's width, as a share of the font size (sans-serif digits and
#: lower-case letters; DejaVu is among the widest)
CHAR_WIDTH = 0.6
#: a gridline's or a track's ink: the text colour, faint
FAINT = "0.18"

TableMode = Literal["hidden", "details", "shown"]


def n(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zeros ("12", "12.5")."""
    text = f"{value:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def el(tag: str, attrs: dict[str, object] | None = None, *children: object) -> SafeString:
    """`<tag attr="...">children</tag>`: attribute values escaped, children as given (they are
    SafeStrings built here, or escaped with `text`)."""
    parts = [tag]
    for name, value in (attrs or {}).items():
        if value is None:
            continue
        shown = n(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(shown)}"')
    return SafeString(f"<{' '.join(parts)}>{join(children)}</{tag}>")


def join(parts: Iterable[object]) -> SafeString:
    """Markup in a row: SafeStrings as they are, anything else escaped."""
    return SafeString("".join(conditional_escape(str(p)) for p in parts))


def text(value: object) -> SafeString:
    return escape(str(value))


def text_width(label: str, size: float = FONT_SIZE) -> float:
    return len(label) * size * CHAR_WIDTH


def truncate(label: str, width: float, size: float = FONT_SIZE) -> str:
    """`label` cut with "…" to fit `width` pixels (the full label goes into a `<title>`)."""
    fits = max(int(width / (size * CHAR_WIDTH)), 1)
    return label if len(label) <= fits else label[: max(fits - 1, 1)].rstrip() + "…"


def label(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = FONT_SIZE,
    weight: str | None = None,
    opacity: str | None = None,
) -> SafeString:
    """Text in the page's text colour."""
    return el(
        "text",
        {
            "x": float(x),
            "y": float(y),
            "text-anchor": anchor,
            "font-size": size if size != FONT_SIZE else None,
            "font-weight": weight,
            "fill": "currentColor",
            "fill-opacity": opacity,
        },
        text(content),
    )


def titled(title: str, *children: str) -> SafeString:
    """A group with a tooltip (`<title>`): the full label and value of a bar or point."""
    return el("g", None, el("title", None, text(title)), *children)


@dataclass(frozen=True)
class Table:
    """The data table behind a chart: the head row, then one row per category or point, each
    with its header cell and its figures (already formatted)."""

    head: Sequence[str]
    rows: Sequence[tuple[str, Sequence[str]]]


class Chart(SafeString):
    """A rendered chart: safe HTML, plus whether it had any data (`is_empty`), so a page can
    say more than the chart's own "No data for this period"."""

    is_empty: bool


def no_data() -> str:
    return _("No data for this period")


def figure(
    *,
    kind: str,
    title: str,
    description: str,
    width: float,
    height: float,
    body: str,
    table: Table,
    mode: TableMode,
    empty: bool,
) -> Chart:
    """The chart's `<figure>`: the `<svg role="img">` named by its `<title>` and described by
    its `<desc>`, then the data table (visually hidden, in a `<details>`, or shown)."""
    if mode not in ("hidden", "details", "shown"):
        raise ValueError(f"Unknown table mode {mode!r}")
    uid = "chart-" + secrets.token_hex(5)
    if empty:
        body = str(
            label(
                width / 2,
                height / 2 + 4,
                no_data(),
                anchor="middle",
                opacity="0.75",
                size=min(FONT_SIZE + 2, width / (len(no_data()) * CHAR_WIDTH + 1)),
            )
        )
    svg = el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "prm-chart-svg",
            "role": "img",
            "aria-labelledby": f"{uid}-title {uid}-desc",
            "viewBox": f"0 0 {n(width)} {n(height)}",
            "width": "100%",
            "preserveAspectRatio": "xMidYMid meet",
            "font-family": FONT_STACK,
            "font-size": FONT_SIZE,
            "fill": "currentColor",
        },
        el("title", {"id": f"{uid}-title"}, text(title)),
        el("desc", {"id": f"{uid}-desc"}, text(description)),
        body,
    )
    data = _table(table, title=title, mode=mode)
    chart = Chart(el("figure", {"class": f"prm-chart-figure prm-chart-{kind}"}, svg, data))
    chart.is_empty = empty
    return chart


def _table(table: Table, *, title: str, mode: TableMode) -> SafeString:
    head = el(
        "thead",
        None,
        el("tr", None, *(el("th", {"scope": "col"}, text(h)) for h in table.head)),
    )
    if table.rows:
        rows = [
            el(
                "tr",
                None,
                el("th", {"scope": "row"}, text(name)),
                *(el("td", {"class": "prm-chart-number"}, text(c)) for c in cells),
            )
            for name, cells in table.rows
        ]
    else:
        rows = [el("tr", None, el("td", {"colspan": len(table.head)}, text(no_data())))]
    classes = {
        "hidden": "prm-chart-data visually-hidden",
        "details": "prm-chart-data table table-sm",
        "shown": "prm-chart-data table table-sm",
    }[mode]
    data = el(
        "table",
        {"class": classes},
        el("caption", None, text(title)),
        head,
        el("tbody", None, *rows),
    )
    if mode == "details":
        return el(
            "details",
            {"class": "prm-chart-details"},
            el("summary", None, text(_("The figures as a table"))),
            data,
        )
    return data


def legend(
    entries: Sequence[tuple[str, str, bool]], *, x: float, y: float, width: float
) -> tuple[SafeString, float]:
    """Swatches and labels (label, colour, dashed) in rows from (x, y) across `width`;
    returns the markup and the height it took."""
    parts, cx, cy, row = [], x, y, 18.0
    for name, colour, dashed in entries:
        shown = truncate(name, width - 28)
        need = 22 + text_width(shown) + 16
        if cx > x and cx + need > x + width:
            cx, cy = x, cy + row
        swatch = (
            el(
                "line",
                {
                    "x1": cx,
                    "y1": cy - 4.0,
                    "x2": cx + 16,
                    "y2": cy - 4.0,
                    "stroke": colour,
                    "stroke-width": 3,
                    "stroke-dasharray": "4 3",
                },
            )
            if dashed
            else el(
                "rect",
                {"x": cx, "y": cy - 10.0, "width": 16, "height": 10, "fill": colour, "rx": 2},
            )
        )
        parts.append(titled(name, swatch, label(cx + 22, cy, shown)))
        cx += need
    return join(parts), cy - y + row
