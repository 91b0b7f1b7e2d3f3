"""Gauges: one value against its target and its maximum (SLA attainment 83% against a 90%
target), as a half circle or a bar."""

import math
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _

from .format import Format, figures_for
from .markup import FAINT, FONT_SIZE, Chart, Table, TableMode, el, figure, join, label, n
from .palette import DEFAULT_PALETTE, Palette, checked


def gauge(
    value: Decimal | None,
    *,
    title: str,
    target: Decimal | None = None,
    maximum: Decimal = Decimal(100),
    minimum: Decimal = Decimal(0),
    lower_is_better: bool = False,
    description: str = "",
    unit: str = "percent",
    currency: str = "",
    format: Format | None = None,
    palette: Palette = DEFAULT_PALETTE,
    shape: Literal["half", "bar"] = "half",
    width: int | None = None,
    table: TableMode = "hidden",
) -> Chart:
    """`value` on a scale from `minimum` to `maximum`, with a mark at `target`; the value in
    words and figures in the middle. A value beyond the scale fills it and is written as it is.
    The description says whether the target is met (`lower_is_better` for times)."""
    if maximum <= minimum:
        raise ValueError("A gauge's maximum must be above its minimum")
    figures = figures_for(unit, currency=currency, format=format)
    colour = checked(palette)[0]
    rows = [(_("Value"), [figures.value(value)])]
    if target is not None:
        rows.append((_("Target"), [figures.value(target)]))
    rows += [(_("Minimum"), [figures.value(minimum)]), (_("Maximum"), [figures.value(maximum)])]
    head = [_("Measure"), f"{title} ({figures.word})" if figures.word else title]
    data = Table(head=head, rows=rows)
    width = width or (240 if shape == "half" else 320)
    height = int(width * 0.62) if shape == "half" else 72
    if value is None:
        return figure(
            kind=f"gauge-{shape}",
            title=title,
            description=description or _("No data for this period."),
            width=width,
            height=height,
            body="",
            table=data,
            mode=table,
            empty=True,
        )

    def share(v: Decimal) -> float:
        return min(max(float((v - minimum) / (maximum - minimum)), 0.0), 1.0)

    shown = figures.value(value)
    summary = description or _gauge_summary(value, target, maximum, lower_is_better, figures)
    draw = _half if shape == "half" else _bar
    body = draw(
        share(value),
        None if target is None else share(target),
        width=width,
        height=height,
        colour=colour,
        shown=shown,
        target_text=None if target is None else figures.value(target),
        low=figures.tick(minimum),
        high=figures.tick(maximum),
    )
    return figure(
        kind=f"gauge-{shape}",
        title=title,
        description=summary,
        width=width,
        height=height,
        body=body,
        table=data,
        mode=table,
        empty=False,
    )


def _gauge_summary(
    value: Decimal, target: Decimal | None, maximum: Decimal, lower: bool, figures: object
) -> str:
    from .format import Figures

    assert isinstance(figures, Figures)
    facts = {"value": figures.value(value), "maximum": figures.value(maximum)}
    if target is None:
        return _("%(value)s of %(maximum)s.") % facts
    facts["target"] = figures.value(target)
    met = value <= target if lower else value >= target
    if met:
        return _("%(value)s against a target of %(target)s: the target is met.") % facts
    return _("%(value)s against a target of %(target)s: the target is not met.") % facts


def _half(
    at: float,
    target: float | None,
    *,
    width: int,
    height: int,
    colour: str,
    shown: str,
    target_text: str | None,
    low: str,
    high: str,
) -> str:
    thick = width * 0.1
    radius = width / 2 - thick / 2 - 26
    cx, cy = width / 2, radius + thick / 2 + 18

    def point(share: float, r: float) -> tuple[float, float]:
        angle = math.pi * (1 - share)
        return cx + r * math.cos(angle), cy - r * math.sin(angle)

    start = point(0, radius)
    end = point(1, radius)
    parts = [
        el(
            "path",
            {
                "d": f"M{n(start[0])} {n(start[1])} A{n(radius)} {n(radius)} 0 0 1 "
                f"{n(end[0])} {n(end[1])}",
                "fill": "none",
                "stroke": "currentColor",
                "stroke-opacity": FAINT,
                "stroke-width": thick,
            },
        )
    ]
    if at > 0:
        tip = point(at, radius)
        parts.append(
            el(
                "path",
                {
                    "d": f"M{n(start[0])} {n(start[1])} A{n(radius)} {n(radius)} 0 0 1 "
                    f"{n(tip[0])} {n(tip[1])}",
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": thick,
                },
            )
        )
    if target is not None and target_text is not None:
        inner, outer = point(target, radius - thick / 2 - 4), point(target, radius + thick / 2 + 4)
        parts.append(
            el(
                "line",
                {
                    "x1": inner[0],
                    "y1": inner[1],
                    "x2": outer[0],
                    "y2": outer[1],
                    "stroke": "currentColor",
                    "stroke-width": 2.5,
                },
            )
        )
    parts.append(label(cx, cy - 4, shown, anchor="middle", size=FONT_SIZE * 2, weight="bold"))
    if target_text is not None:
        parts.append(
            label(
                cx,
                cy + FONT_SIZE + 6,
                _("Target: %(target)s") % {"target": target_text},
                anchor="middle",
                opacity="0.8",
            )
        )
    parts.append(
        label(start[0], cy + FONT_SIZE + 6, low, anchor="middle", size=FONT_SIZE - 1, opacity="0.7")
    )
    parts.append(
        label(end[0], cy + FONT_SIZE + 6, high, anchor="middle", size=FONT_SIZE - 1, opacity="0.7")
    )
    return join(parts)


def _bar(
    at: float,
    target: float | None,
    *,
    width: int,
    height: int,
    colour: str,
    shown: str,
    target_text: str | None,
    low: str,
    high: str,
) -> str:
    left, right, top, thick = 4.0, width - 4.0, 26.0, 16.0
    span = right - left
    parts = [
        label(left, FONT_SIZE + 4, shown, size=FONT_SIZE + 4, weight="bold"),
        el(
            "rect",
            {
                "x": left,
                "y": top,
                "width": span,
                "height": thick,
                "rx": 3,
                "fill": "currentColor",
                "fill-opacity": FAINT,
            },
        ),
    ]
    if at > 0:
        parts.append(
            el(
                "rect",
                {"x": left, "y": top, "width": span * at, "height": thick, "rx": 3, "fill": colour},
            )
        )
    if target is not None and target_text is not None:
        x = left + span * target
        parts.append(
            el(
                "line",
                {
                    "x1": x,
                    "y1": top - 4,
                    "x2": x,
                    "y2": top + thick + 4,
                    "stroke": "currentColor",
                    "stroke-width": 2.5,
                },
            )
        )
        parts.append(
            label(
                right,
                FONT_SIZE + 4,
                _("Target: %(target)s") % {"target": target_text},
                anchor="end",
                opacity="0.8",
            )
        )
    parts.append(label(left, top + thick + FONT_SIZE + 4, low, size=FONT_SIZE - 1, opacity="0.7"))
    parts.append(
        label(
            right,
            top + thick + FONT_SIZE + 4,
            high,
            anchor="end",
            size=FONT_SIZE - 1,
            opacity="0.7",
        )
    )
    return join(parts)
