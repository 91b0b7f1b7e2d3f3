"""Bar charts: one value per category (vertical or horizontal) and stacked bars (categories ×
series, with a legend). Bars start at zero; negative values go the other way."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from .axes import PAD, Frame, frame, grid, shown_labels, ticks_for
from .format import Figures, Format, figures_for
from .line import Series, Value, colours
from .markup import (
    CHAR_WIDTH,
    EMPTY_HEIGHT,
    FONT_SIZE,
    Chart,
    Table,
    TableMode,
    el,
    figure,
    join,
    label,
    text_width,
    titled,
    truncate,
)
from .palette import DEFAULT_PALETTE, Palette, checked
from .scale import Scale, domain

#: a horizontal bar's thickness and the gap between two
ROW, GAP = 22.0, 10.0


@dataclass(frozen=True)
class Bar:
    """A category and its value (None: no data, shown as "—", never as a bar of 0); `note` is
    said after the value ("3 of 4")."""

    label: str
    value: Value
    note: str = ""


def _figure_text(value: Value, note: str, figures: Figures) -> str:
    shown = figures.value(value)
    return f"{shown} ({note})" if note and value is not None else shown


def _bounds(
    values: Sequence[Value], fixed: tuple[Decimal, Decimal] | None
) -> tuple[Decimal, Decimal] | None:
    found = domain(values)
    if found is None or fixed is None:
        return found
    return min(found[0], fixed[0]), max(found[1], fixed[1])


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str = "",
    horizontal: bool = False,
    unit: str = "count",
    currency: str = "",
    format: Format | None = None,
    palette: Palette = DEFAULT_PALETTE,
    value_title: str = "",
    category_title: str = "",
    scale_to: tuple[Decimal, Decimal] | None = None,
    width: int = 480,
    height: int = 240,
    table: TableMode = "hidden",
) -> Chart:
    """One bar per category, from zero, in the palette's first colour, its value written beside
    it. Horizontal bars suit long labels and many categories (the chart grows a row per bar);
    vertical ones a few short labels. Long labels are cut with "…" and said in full in the bar's
    tooltip and the table. `scale_to` widens the value axis (0..100 for percentages).
    """
    figures = figures_for(unit, currency=currency, format=format)
    colour = checked(palette)[0]
    value_head = value_title or title
    table_data = Table(
        head=[
            category_title or _("Category"),
            f"{value_head} ({figures.word})" if figures.word else value_head,
        ],
        rows=[(b.label, [_figure_text(b.value, b.note, figures)]) for b in bars],
    )
    bounds = _bounds([b.value for b in bars], scale_to)
    kind = "bar-horizontal" if horizontal else "bar"
    if horizontal:
        height = int(PAD * 2 + max(len(bars), 1) * (ROW + GAP) + FONT_SIZE + 24)
    if bounds is None:
        return figure(
            kind=kind,
            title=title,
            description=description or _("No data for this period."),
            width=width,
            height=min(height, EMPTY_HEIGHT),
            body="",
            table=table_data,
            mode=table,
            empty=True,
        )
    ticks = ticks_for(*bounds, figures)
    summary = description or _bars_summary(bars, figures)
    draw = _horizontal if horizontal else _vertical
    body = draw(
        [
            (
                b.label,
                [(b.value, colour, f"{b.label}: {_figure_text(b.value, b.note, figures)}")],
                _figure_text(b.value, b.note, figures),
            )
            for b in bars
        ],
        ticks=ticks,
        figures=figures,
        width=width,
        height=height,
        entries=[],
    )
    return figure(
        kind=kind,
        title=title,
        description=summary,
        width=width,
        height=height,
        body=body,
        table=table_data,
        mode=table,
        empty=False,
    )


def _bars_summary(bars: Sequence[Bar], figures: Figures) -> str:
    known = [b for b in bars if b.value is not None]
    if not known:
        return _("No data for this period.")
    high = max(known, key=lambda b: b.value or 0)
    low = min(known, key=lambda b: b.value or 0)
    return _(
        "%(count)s categories; highest %(high)s (%(high_value)s), lowest %(low)s (%(low_value)s)."
    ) % {
        "count": len(bars),
        "high": high.label,
        "high_value": figures.value(high.value),
        "low": low.label,
        "low_value": figures.value(low.value),
    }


#: a category: its label, its segments (value, colour, tooltip) and the text written at its end
Category = tuple[str, list[tuple[Value, str, str]], str]


def _stack(segments: list[tuple[Value, str, str]]) -> list[tuple[Decimal, Decimal, str, str]]:
    """Each segment's span from..to: positives stacked up from zero, negatives down."""
    up, down, spans = Decimal(0), Decimal(0), []
    for value, colour, tip in segments:
        if value is None or value == 0:
            continue
        if value > 0:
            spans.append((up, up + value, colour, tip))
            up += value
        else:
            spans.append((down + value, down, colour, tip))
            down += value
    return spans


def _vertical(
    categories: list[Category],
    *,
    ticks: list[Decimal],
    figures: Figures,
    width: int,
    height: int,
    entries: list[tuple[str, str, bool]],
) -> str:
    f = frame(
        width=width,
        height=height,
        ticks=ticks,
        figures=figures,
        entries=entries,
        # values are written past the bars' ends: room above, and below when some are negative
        bottom_room=FONT_SIZE + 12 + (FONT_SIZE + 4 if ticks[0] < 0 else 0),
        top_room=FONT_SIZE,
    )
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    count = len(categories)
    slot = f.width / count
    thick = min(slot * 0.7, 56.0)
    # labels are cut to their slot (six characters at least) before deciding which to write
    least = 6 * FONT_SIZE * CHAR_WIDTH
    names = [truncate(c[0], max(slot - 12, least)) for c in categories]
    shown = shown_labels(count, slot, names)
    each = slot * count / max(len(shown), 1)
    write_values = all(text_width(c[2], FONT_SIZE - 1) <= slot + 4 for c in categories)
    parts = [f.chrome, grid(f, y, figures)]
    for i, (name, segments, total) in enumerate(categories):
        centre = f.left + slot * (i + 0.5)
        spans = _stack(segments)
        for low, high, colour, tip in spans:
            top, bottom = y(high), y(low)
            parts.append(
                titled(
                    tip,
                    el(
                        "rect",
                        {
                            "x": centre - thick / 2,
                            "y": top,
                            "width": thick,
                            "height": max(bottom - top, 0.5),
                            "fill": colour,
                        },
                    ),
                )
            )
        if not spans:  # no data (or zero): say so on the baseline, never draw a bar of 0
            parts.append(
                titled(
                    f"{name}: {total}",
                    label(
                        centre,
                        y.zero - 4,
                        total,
                        anchor="middle",
                        size=FONT_SIZE - 1,
                        opacity="0.75",
                    ),
                )
            )
        elif write_values:
            up = max((h for _l, h, _c, _t in spans), default=Decimal(0))
            down = min((lo for lo, _h, _c, _t in spans), default=Decimal(0))
            at = y(up) - 4 if up > 0 else y(down) + FONT_SIZE + 2
            parts.append(label(centre, at, total, anchor="middle", size=FONT_SIZE - 1))
        if i in shown:
            parts.append(
                titled(
                    name,
                    label(
                        centre,
                        height - 8,
                        truncate(name, each - 4),
                        anchor="middle",
                        opacity="0.85",
                    ),
                )
            )
    return join(parts)


def _horizontal(
    categories: list[Category],
    *,
    ticks: list[Decimal],
    figures: Figures,
    width: int,
    height: int,
    entries: list[tuple[str, str, bool]],
) -> str:
    room = min(max((text_width(c[0]) for c in categories), default=0.0) + 12, width * 0.35)
    value_room = min(
        max((text_width(c[2], FONT_SIZE - 1) for c in categories), default=0.0) + 8, width * 0.3
    )
    f = frame(
        width=width,
        height=height,
        ticks=ticks,
        figures=figures,
        entries=entries,
        bottom_room=FONT_SIZE + 14,
        left_room=room + PAD,
    )
    right = f.right - value_room
    # a negative value is written left of its bar: room for the widest of those
    negative = [
        text_width(total, FONT_SIZE - 1) + 8
        for _name, segments, total in categories
        if any(v is not None and v < 0 for v, _c, _t in segments)
    ]
    left = f.left + (max(negative) if negative else 0)
    # as many round ticks as fit across the plot without their labels touching
    widest = max(text_width(figures.tick(t)) for t in ticks) + 12
    fit = max(int((right - left) / widest), 2)
    if len(ticks) - 1 > fit:
        ticks = ticks_for(ticks[0], ticks[-1], figures, target=fit)
        f = replace(f, ticks=ticks)
    x = Scale(ticks[0], ticks[-1], left, right)
    plot = Frame(left, f.top, right, f.bottom, ticks, f.chrome)
    parts = [f.chrome, grid(plot, x, figures, vertical=False)]
    band = (plot.height) / max(len(categories), 1)
    thick = min(band * 0.7, ROW)
    for i, (name, segments, total) in enumerate(categories):
        middle = plot.top + band * (i + 0.5)
        parts.append(
            titled(name, label(f.left - 8, middle + 4, truncate(name, room - 4), anchor="end"))
        )
        spans = _stack(segments)
        for low, high, colour, tip in spans:
            left, end = x(low), x(high)
            parts.append(
                titled(
                    tip,
                    el(
                        "rect",
                        {
                            "x": left,
                            "y": middle - thick / 2,
                            "width": max(end - left, 0.5),
                            "height": thick,
                            "fill": colour,
                        },
                    ),
                )
            )
        up = max((h for _l, h, _c, _t in spans), default=Decimal(0))
        down = min((lo for lo, _h, _c, _t in spans), default=Decimal(0))
        if spans and up <= 0 < -down:  # all negative: the value sits left of the bar's end
            parts.append(label(x(down) - 4, middle + 4, total, anchor="end", size=FONT_SIZE - 1))
        else:
            parts.append(label(x(up) + 4, middle + 4, total, size=FONT_SIZE - 1))
    return join(parts)


def stacked_bar_chart(
    *series: Series,
    categories: Sequence[str],
    title: str,
    description: str = "",
    horizontal: bool = False,
    unit: str = "count",
    currency: str = "",
    format: Format | None = None,
    palette: Palette = DEFAULT_PALETTE,
    category_title: str = "",
    width: int = 480,
    height: int = 240,
    table: TableMode = "hidden",
) -> Chart:
    """Categories × series: each category a bar of its series' values stacked (negatives below
    zero), its total written at the end, a legend naming the series. The table has a column per
    series and the total."""
    figures = figures_for(unit, currency=currency, format=format)
    names = [str(c) for c in categories]
    for s in series:
        if len(s.values) != len(names):
            raise ValueError(
                f"Series {s.label!r} has {len(s.values)} values for {len(names)} categories"
            )
    paint = colours(series, palette)

    def total(i: int) -> Value:
        known = [v for s in series if (v := s.values[i]) is not None]
        return sum(known, Decimal(0)) if known else None

    totals = [total(i) for i in range(len(names))]
    head = [category_title or _("Category"), *(s.label for s in series), _("Total")]
    if figures.word:
        head = [head[0], *(f"{h} ({figures.word})" for h in head[1:])]
    table_data = Table(
        head=head,
        rows=[
            (name, [*(figures.value(s.values[i]) for s in series), figures.value(totals[i])])
            for i, name in enumerate(names)
        ],
    )
    kind = "stacked-horizontal" if horizontal else "stacked"
    entries = [(s.label, c, False) for s, c in zip(series, paint, strict=True)]
    if horizontal:
        legend_rows = 1 + int(
            sum(22 + text_width(s.label) + 16 for s in series) // (width - 2 * PAD)
        )
        height = int(PAD * 2 + max(len(names), 1) * (ROW + GAP) + FONT_SIZE + 24 + legend_rows * 18)
    # the axis spans the stacks' reach, not single values
    reach = []
    for i in range(len(names)):
        spans = _stack([(s.values[i], "", "") for s in series])
        reach += [lo for lo, _h, _c, _t in spans] + [h for _l, h, _c, _t in spans]
    bounds = domain(reach) if any(t is not None for t in totals) else None
    if bounds is None:
        return figure(
            kind=kind,
            title=title,
            description=description or _("No data for this period."),
            width=width,
            height=min(height, EMPTY_HEIGHT),
            body="",
            table=table_data,
            mode=table,
            empty=True,
        )
    ticks = ticks_for(*bounds, figures)
    drawn: list[Category] = [
        (
            name,
            [
                (s.values[i], c, f"{name}, {s.label}: {figures.value(s.values[i])}")
                for s, c in zip(series, paint, strict=True)
            ],
            figures.value(totals[i]),
        )
        for i, name in enumerate(names)
    ]
    draw = _horizontal if horizontal else _vertical
    body = draw(drawn, ticks=ticks, figures=figures, width=width, height=height, entries=entries)
    summary = description or _stacked_summary(names, totals, series, figures)
    return figure(
        kind=kind,
        title=title,
        description=summary,
        width=width,
        height=height,
        body=body,
        table=table_data,
        mode=table,
        empty=False,
    )


def _stacked_summary(
    names: list[str], totals: list[Value], series: Sequence[Series], figures: Figures
) -> str:
    known = [(t, n) for t, n in zip(totals, names, strict=True) if t is not None]
    high = max(known, key=lambda p: p[0])
    return _("%(count)s categories of %(series)s; the largest total is %(name)s (%(value)s).") % {
        "count": len(names),
        "series": ", ".join(s.label for s in series),
        "name": high[1],
        "value": figures.value(high[0]),
    }
