"""A snapshot's figures as people read them, for the editor, the portal and the PDF alike.

Snapshots keep values as strings of Decimals with their unit (`snapshot.py`); here they are
written by the house's formatters (`prm.metrics.registry.format_value`; days, hours and months
with their word) and compared with the quarter before and a year earlier
(`reporting.dashboards.change_between`: percentage points for a percentage, else percent).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy, ngettext

from prm.figures import format_number
from prm.metrics.registry import format_value

from ..dashboards import Change, change_between

#: units written as a number and its word ("36 days")
WORDED_UNITS = ("days", "hours", "months")

#: the sections of the KPI table, as the snapshot names them, and their headings
SECTION_TITLES = {
    "deals": gettext_lazy("Pipeline and wins"),
    "mdf": gettext_lazy("Market development funds"),
    "training": gettext_lazy("Training and certifications"),
    "commissions": gettext_lazy("Earnings"),
    "engagement": gettext_lazy("Engagement and satisfaction"),
}


@dataclass(frozen=True)
class KpiRow:
    """One KPI of the review as the document shows it: the quarter's figure, the previous
    quarter's and a year earlier's, and how it moved (arrow, text, good or bad news)."""

    metric: str
    label: str
    value: str
    previous: str
    year_ago: str
    change_previous: Change | None
    change_year: Change | None
    missing: bool


def number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def figure_text(value: Any, unit: str, *, currency: str) -> str:
    """A frozen figure as people read it: `format_value` for money, percentages, counts and
    ratios; a number and its word for times ("36 days", "24 hours"); "—" for none."""
    found = number(value)
    if found is None:
        return "—"
    if unit in WORDED_UNITS:
        shown = format_number(found)
        plural = 1 if found == 1 else 2  # a fraction reads as plural ("1.5 days")
        if unit == "days":
            return ngettext("%(n)s day", "%(n)s days", plural) % {"n": shown}
        if unit == "hours":
            return ngettext("%(n)s hour", "%(n)s hours", plural) % {"n": shown}
        return ngettext("%(n)s month", "%(n)s months", plural) % {"n": shown}
    return format_value(found, unit, currency=currency)


def kpi_row(kpi: dict[str, Any], currency: str) -> KpiRow:
    unit, better = kpi.get("unit", "count"), bool(kpi.get("higher_is_better", True))
    value = number(kpi.get("value"))
    previous, year_ago = number(kpi.get("previous")), number(kpi.get("year_ago"))
    label = str(kpi.get("label", kpi.get("metric", "")))
    return KpiRow(
        metric=str(kpi.get("metric", "")),
        label=label[:1].upper() + label[1:],
        value=figure_text(value, unit, currency=currency),
        previous=figure_text(previous, unit, currency=currency),
        year_ago=figure_text(year_ago, unit, currency=currency),
        change_previous=change_between(unit, better, value, previous),
        change_year=change_between(unit, better, value, year_ago),
        missing=value is None,
    )


def sections(data: dict[str, Any]) -> list[tuple[str, str, list[KpiRow]]]:
    """(key, heading, rows) for every section of the snapshot that has rows."""
    currency = data.get("currency", "")
    kpis = data.get("kpis") or {}
    found = []
    for key, title in SECTION_TITLES.items():
        rows = [kpi_row(k, currency) for k in kpis.get(key, [])]
        if rows:
            found.append((key, str(title), rows))
    return found
