"""A horizontal bar chart as inline SVG, rendered on the server (no script, no inline style:
the bars are painted by `training/reports.css` with the tenant's primary colour)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from prm.figures import format_percent

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 160
BAR_WIDTH = 300
VALUE_WIDTH = 110


@dataclass(frozen=True)
class Bar:
    label: str
    #: 0 to 100, or None where there is nothing to divide (drawn empty, "—")
    percent: Decimal | None
    #: what the value says beside the bar ("3 of 4")
    detail: str = ""


def bar_chart(bars: list[Bar], *, title: str) -> SafeString:
    """Bars of percentages, one per row, with their label and value as text (the title is
    the chart's accessible name; the figures are also in the table beside it)."""
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = []
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        share = min(max(bar.percent or Decimal(0), Decimal(0)), Decimal(100))
        filled = int(BAR_WIDTH * share / 100)
        value = format_percent(bar.percent) + (f" ({bar.detail})" if bar.detail else "")
        rows.append(
            (
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 6,
                bar.label[:28],
                LABEL_WIDTH,
                y,
                BAR_WIDTH,
                BAR_HEIGHT,
                LABEL_WIDTH,
                y,
                filled,
                BAR_HEIGHT,
                LABEL_WIDTH + BAR_WIDTH + 8,
                y + BAR_HEIGHT - 6,
                value,
            )
        )
    body = format_html_join(
        "",
        '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="chart-track" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
        '<text class="chart-value" x="{}" y="{}">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="prm-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="{}" height="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        title,
        width,
        height,
        width,
        height,
        title,
        body,
    )
