"""Charts as SVG rendered on the server (DESIGN.md decision 11): the one module every page and
PDF draws its charts with — line, bar (vertical or horizontal), stacked bar, gauge, sparkline.

Plain typed values in (`Series`, `Bar`, `Decimal | None` where None is "no data", a gap, never
a 0), safe HTML out: a `<figure>` holding an `<svg role="img">` named by its `<title>` and
described by its `<desc>` (a sentence of the lowest, highest and latest figures unless the
caller writes one), and a data table with every figure for screen readers (visually hidden by
default; `table="details"` puts it in a disclosure, `"shown"` under the chart). No script, no
inline style: colours are presentation attributes from a palette (`palette_for(tenant)`), text
and axes `currentColor`, so the same markup renders in a browser and in a WeasyPrint PDF.

Figures are written by `prm.metrics.registry.format_value` for the chart's `unit` ("count",
"money" with `currency`, "percent", "days", "hours", "ratio"), or by the caller's `format`.
The returned `Chart` is a `SafeString` with `is_empty` (no data at all: the chart then says "No
data for this period"). Charts scale with their container (`width="100%"` and a viewBox);
`static/css/charts.css` caps their width and hides the table in PDFs (link it from a PDF
template: the admin UI and the portal already hide `.visually-hidden`).

    from prm.charts import Series, line_chart, palette_for
    chart = line_chart(
        Series(_("Revenue won"), this_year),
        Series(_("Same month last year"), last_year, dashed=True),
        x_labels=month_names, title=_("Revenue won"), unit="money", currency="EUR",
        palette=palette_for(tenant),
    )
"""

from .bars import Bar, bar_chart, stacked_bar_chart
from .gauge import gauge
from .line import Series, line_chart, sparkline
from .markup import Chart
from .palette import DEFAULT_PALETTE, derive, palette_for
from .scale import nice_ticks

__all__ = [
    "DEFAULT_PALETTE",
    "Bar",
    "Chart",
    "Series",
    "bar_chart",
    "derive",
    "gauge",
    "line_chart",
    "nice_ticks",
    "palette_for",
    "sparkline",
    "stacked_bar_chart",
]
