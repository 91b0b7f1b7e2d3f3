"""The frame of a chart with a value axis: margins, the legend, ticks and gridlines."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString

from .format import Figures
from .markup import FAINT, FONT_SIZE, el, join, label, legend, text_width
from .scale import Scale, nice_ticks

PAD = 8.0


@dataclass(frozen=True)
class Frame:
    """Where the plot is (left, top, right, bottom in pixels) and what is drawn around it."""

    left: float
    top: float
    right: float
    bottom: float
    ticks: list[Decimal]
    chrome: SafeString  # legend and unit word; ticks are drawn by `grid`

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def ticks_for(low: Decimal, high: Decimal, figures: Figures, *, target: int = 5) -> list[Decimal]:
    return nice_ticks(low, high, target=target, whole=figures.whole)


def frame(
    *,
    width: float,
    height: float,
    ticks: list[Decimal],
    figures: Figures,
    entries: Sequence[tuple[str, str, bool]],
    bottom_room: float,
    left_room: float | None = None,
    top_room: float = 0.0,
) -> Frame:
    """Room for the legend (above, when there is more than one series), the unit word, the
    tick labels (left, as wide as the widest) and `bottom_room` under the plot."""
    top, parts = PAD, []
    if len(entries) > 1:
        drawn, used = legend(entries, x=PAD, y=PAD + FONT_SIZE, width=width - 2 * PAD)
        parts.append(drawn)
        top += used
    if figures.word:
        parts.append(label(PAD, top + FONT_SIZE, figures.word, opacity="0.8"))
        top += FONT_SIZE + 4
    top += FONT_SIZE / 2 + top_room
    widest = max((text_width(figures.tick(t)) for t in ticks), default=0.0)
    left = left_room if left_room is not None else PAD + widest + 6
    return Frame(left, top, width - PAD - 4, height - bottom_room, ticks, join(parts))


def grid(f: Frame, scale: Scale, figures: Figures, *, vertical: bool = True) -> SafeString:
    """Gridlines at every tick with their labels, and a firmer zero line."""
    parts = []
    for tick in f.ticks:
        at = scale(tick)
        strong = tick == 0
        if vertical:  # a vertical value axis: horizontal gridlines
            line = {"x1": f.left, "y1": at, "x2": f.right, "y2": at}
            parts.append(label(f.left - 6, at + 4, figures.tick(tick), anchor="end", opacity="0.8"))
        else:
            line = {"x1": at, "y1": f.top, "x2": at, "y2": f.bottom}
            parts.append(
                label(
                    at, f.bottom + FONT_SIZE + 4, figures.tick(tick), anchor="middle", opacity="0.8"
                )
            )
        parts.append(
            el(
                "line",
                {
                    **line,
                    "stroke": "currentColor",
                    "stroke-opacity": "0.6" if strong else FAINT,
                    "stroke-width": 1,
                },
            )
        )
    return join(parts)


def shown_labels(count: int, slot: float, labels: Sequence[str]) -> set[int]:
    """Which of `count` category labels to write when each has `slot` pixels: every k-th,
    counted back from the last (the latest month is always named)."""
    if not count:
        return set()
    widest = max((text_width(x) for x in labels), default=0.0) + 6
    every = max(1, math.ceil(widest / slot)) if slot > 0 else count
    return {i for i in range(count) if (count - 1 - i) % every == 0}
