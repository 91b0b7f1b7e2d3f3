"""Line charts (series over ordered labels, gaps where there is no data) and sparklines."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .axes import frame, grid, shown_labels, ticks_for
from .format import Figures, Format, figures_for
from .markup import (
    EMPTY_HEIGHT,
    FONT_SIZE,
    Chart,
    Table,
    TableMode,
    el,
    figure,
    join,
    label,
    n,
    titled,
    truncate,
)
from .palette import DEFAULT_PALETTE, Palette, checked
from .scale import Scale, domain

Value = Decimal | None


@dataclass(frozen=True)
class Series:
    """One line (or one layer of a stacked bar): a label and a value per x label, None where
    there is no data (drawn as a gap, never as 0). `dashed` marks a comparison series ("same
    month last year"); `colour` (#rrggbb) overrides the palette's."""

    label: str
    values: Sequence[Value]
    dashed: bool = False
    colour: str | None = None


def colours(series: Sequence[Series], palette: Palette) -> list[str]:
    """Each series' colour: its own, else the palette's next."""
    palette = checked(palette)
    found, i = [], 0
    for s in series:
        if s.colour:
            found.append(checked((s.colour,))[0])
        else:
            found.append(palette[i % len(palette)])
            i += 1
    return found


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a line (None breaks it)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


def _path(run: list[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{n(x)} {n(y)}" for i, (x, y) in enumerate(run))


def _summary(series: Sequence[Series], x_labels: Sequence[str], figures: Figures) -> str:
    """A sentence per series: lowest, highest and latest value with where they are."""
    parts = [
        _("%(count)s points from %(first)s to %(last)s.")
        % {"count": len(x_labels), "first": x_labels[0], "last": x_labels[-1]}
    ]
    for s in series:
        known = [(v, x_labels[i]) for i, v in enumerate(s.values) if v is not None]
        if not known:
            parts.append(_("%(series)s: no data.") % {"series": s.label})
            continue
        low = min(known, key=lambda p: p[0])
        high = max(known, key=lambda p: p[0])
        last = known[-1]
        parts.append(
            _(
                "%(series)s: lowest %(low)s (%(low_at)s), highest %(high)s (%(high_at)s), "
                "latest %(last)s (%(last_at)s)."
            )
            % {
                "series": s.label,
                "low": figures.value(low[0]),
                "low_at": low[1],
                "high": figures.value(high[0]),
                "high_at": high[1],
                "last": figures.value(last[0]),
                "last_at": last[1],
            }
        )
    return " ".join(parts)


def line_chart(
    *series: Series,
    x_labels: Sequence[str],
    title: str,
    description: str = "",
    unit: str = "count",
    currency: str = "",
    format: Format | None = None,
    palette: Palette = DEFAULT_PALETTE,
    x_title: str = "",
    width: int = 480,
    height: int = 240,
    table: TableMode = "hidden",
) -> Chart:
    """Series over ordered x labels (12 months, 13 weeks) on a value axis of round ticks that
    includes zero; a dashed series for a comparison; a legend when there is more than one.

    A value of None is a gap. No value at all (or no series) draws "No data for this period".
    The description says each series' lowest, highest and latest value unless one is given; the
    data table holds every value, formatted as the page writes it.
    """
    figures = figures_for(unit, currency=currency, format=format)
    labels = [str(x) for x in x_labels]
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(
                f"Series {s.label!r} has {len(s.values)} values for {len(labels)} labels"
            )
    table_data = Table(
        head=[x_title or _("Period"), *(_with_word(s.label, figures) for s in series)],
        rows=[(x, [figures.value(s.values[i]) for s in series]) for i, x in enumerate(labels)],
    )
    bounds = domain([v for s in series for v in s.values])
    empty = bounds is None
    if bounds is None:
        return figure(
            kind="line",
            title=title,
            description=description or _("No data for this period."),
            width=width,
            height=min(height, EMPTY_HEIGHT),
            body="",
            table=table_data,
            mode=table,
            empty=True,
        )
    paint = colours(series, palette)
    ticks = ticks_for(*bounds, figures)
    f = frame(
        width=width,
        height=height,
        ticks=ticks,
        figures=figures,
        entries=[(s.label, c, s.dashed) for s, c in zip(series, paint, strict=True)],
        bottom_room=FONT_SIZE + 12,
    )
    y = Scale(ticks[0], ticks[-1], f.bottom, f.top)
    count = len(labels)
    inset = 12.0  # the first and last point clear of the axis
    step = (f.width - 2 * inset) / (count - 1) if count > 1 else 0.0

    def x(i: int) -> float:
        return f.left + inset + i * step if count > 1 else f.left + f.width / 2

    parts = [f.chrome, grid(f, y, figures)]
    shown = shown_labels(count, step or f.width, labels)
    slot = (step * count / len(shown)) if count > 1 else f.width
    for i, name in enumerate(labels):
        if i in shown:
            parts.append(
                label(
                    x(i),
                    f.bottom + FONT_SIZE + 6,
                    truncate(name, slot),
                    anchor="middle",
                    opacity="0.8",
                )
            )
    dots = count <= 24
    for s, colour in zip(series, paint, strict=True):
        points = [None if v is None else (x(i), y(v)) for i, v in enumerate(s.values)]
        for run in _runs(points):
            if len(run) > 1:
                parts.append(
                    el(
                        "path",
                        {
                            "d": _path(run),
                            "fill": "none",
                            "stroke": colour,
                            "stroke-width": 2.5,
                            "stroke-linejoin": "round",
                            "stroke-linecap": "round",
                            "stroke-dasharray": "6 4" if s.dashed else None,
                        },
                    )
                )
        for i, point in enumerate(points):
            if point is None:
                continue
            alone = (i == 0 or points[i - 1] is None) and (i == count - 1 or points[i + 1] is None)
            if dots or alone:
                tip = f"{s.label}, {labels[i]}: {figures.value(s.values[i])}"
                parts.append(
                    titled(
                        tip,
                        el(
                            "circle",
                            {
                                "cx": point[0],
                                "cy": point[1],
                                "r": 3.5 if not s.dashed else 2.5,
                                "fill": "#ffffff" if s.dashed else colour,
                                "stroke": colour,
                                "stroke-width": 1.5,
                            },
                        ),
                    )
                )
    return figure(
        kind="line",
        title=title,
        description=description or _summary(series, labels, figures),
        width=width,
        height=height,
        body=join(parts),
        table=table_data,
        mode=table,
        empty=empty,
    )


def _with_word(name: str, figures: Figures) -> str:
    return f"{name} ({figures.word})" if figures.word else name


def sparkline(
    values: Sequence[Value],
    *,
    title: str,
    x_labels: Sequence[str] = (),
    description: str = "",
    unit: str = "count",
    currency: str = "",
    format: Format | None = None,
    palette: Palette = DEFAULT_PALETTE,
    marker: bool = True,
    width: int = 120,
    height: int = 32,
    table: TableMode = "hidden",
) -> Chart:
    """A tiny trend line for a KPI tile: no axes, the span of the data filling the height, gaps
    where there is no data, a dot on the last value (`marker`). `x_labels` name the points in
    the description and the data table (numbered otherwise)."""
    figures = figures_for(unit, currency=currency, format=format)
    labels = [str(x) for x in x_labels] or [str(i + 1) for i in range(len(values))]
    if len(labels) != len(values):
        raise ValueError(f"{len(values)} values for {len(labels)} labels")
    colour = checked(palette)[0]
    table_data = Table(
        head=[_("Period"), _with_word(title, figures)],
        rows=[(x, [figures.value(v)]) for x, v in zip(labels, values, strict=True)],
    )
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return figure(
            kind="sparkline",
            title=title,
            description=description or _("No data for this period."),
            width=width,
            height=height,
            body="",
            table=table_data,
            mode=table,
            empty=True,
        )
    bounds = domain([v for _i, v in known], include_zero=False)
    assert bounds is not None
    low, high = bounds
    if low == high:  # a flat line sits in the middle
        low, high = low - 1, high + 1
    pad = 4.0
    y = Scale(low, high, height - pad, pad)
    count = len(values)
    step = (width - 2 * pad) / (count - 1) if count > 1 else 0.0

    def x(i: int) -> float:
        return pad + i * step if count > 1 else width / 2

    points = [None if v is None else (x(i), y(v)) for i, v in enumerate(values)]
    parts = []
    for run in _runs(points):
        if len(run) > 1:
            parts.append(
                el(
                    "path",
                    {
                        "d": _path(run),
                        "fill": "none",
                        "stroke": colour,
                        "stroke-width": 2,
                        "stroke-linejoin": "round",
                        "stroke-linecap": "round",
                    },
                )
            )
        else:
            parts.append(el("circle", {"cx": run[0][0], "cy": run[0][1], "r": 2, "fill": colour}))
    last_i, last_v = known[-1]
    if marker:
        point = points[last_i]
        assert point is not None
        parts.append(el("circle", {"cx": point[0], "cy": point[1], "r": 3, "fill": colour}))
    first_i, first_v = known[0]
    summary = description or _("From %(first)s (%(first_at)s) to %(last)s (%(last_at)s).") % {
        "first": figures.value(first_v),
        "first_at": labels[first_i],
        "last": figures.value(last_v),
        "last_at": labels[last_i],
    }
    return figure(
        kind="sparkline",
        title=title,
        description=summary,
        width=width,
        height=height,
        body=join(parts),
        table=table_data,
        mode=table,
        empty=False,
    )
