"""The QBR as a document: `render_qbr_pdf(data, tenant=...)` lays out one snapshot's figures
(`reporting.qbrs.snapshot.snapshot_data`) and its narrative (highlights, roadblocks, action
items, held or draft) as the branded PDF partners and CAMs read.

The document is drawn from `data` alone, so that a final snapshot's PDF reads the same
whenever it is made again: no query here, nothing fetched but the project's static files and
the tenant's logo and colours (through `prm.pdf.render_pdf`'s deny-by-default fetcher). The
snapshot keeps figures, not text: every figure is written here, in the active language, by the
house's formatters (`prm.metrics.registry.format_value`, `prm.money`, `prm.dates`), and the
charts are drawn by `prm.charts` in the tenant's colours.

`data["narrative"]` is what the QBR's services add to a snapshot's figures:

    {"status": "draft" | "final", "highlights": str, "roadblocks": str,
     "action_items": [{title, owner, vendor_side, due_on, status, done_on, from_quarter}],
     "held_on": "YYYY-MM-DD" | None, "finalised_by": str}

Highlights, roadblocks and action items are typed by people: the template escapes them like
any text (a URL or a tag in them is shown, never followed).
"""

import re
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from babel.dates import format_skeleton
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deals.models import reference_of
from mdf.models.requests import request_reference
from prm.charts import Chart, Series, gauge, line_chart, palette_for
from prm.charts.palette import Palette
from prm.dates import babel_locale, format_day
from prm.figures import format_number
from prm.metrics.periods import QUARTER, fiscal_quarter_of
from prm.metrics.registry import format_value
from prm.money import format_money
from prm.pdf import PdfFile, render_pdf_file
from prm.tenancy.models import Tenant

from ..dashboards import Change, change_between
from ..models import QbrActionItem
from ..scorecard import period_label
from .snapshot import SCHEMA

TEMPLATE = "reporting/pdf/qbr.html"

#: the Summary's headline figures, in order (those the snapshot holds)
HEADLINE = (
    "deals.pipeline_registered",
    "deals.revenue_won",
    "deals.won",
    "deals.win_rate",
    "deals.average_deal_size",
    "deals.days_to_close",
    "mdf.utilisation",
    "mdf.roi",
    "training.certified_users",
    "commissions.earned",
    "partners.psat",
)
#: the Summary's cards (the four figures a reader looks for first)
CARDS = ("deals.revenue_won", "deals.pipeline_registered", "deals.win_rate", "deals.won")
#: units written as a number and a word ("36 days")
WORDED_UNITS = ("days", "hours", "months")


class SnapshotSchemaError(ValueError):
    """The data is not a QBR snapshot of the layout this renderer reads (`SCHEMA`)."""


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


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def figure_text(value: Any, unit: str, *, currency: str) -> str:
    """A frozen figure as people read it: `format_value` for money, percentages, counts and
    ratios; a number and its word for times ("36 days", "24 hours"); "—" for none."""
    number = _decimal(value)
    if number is None:
        return "—"
    if unit in WORDED_UNITS:
        shown = format_number(number)
        plural = 1 if number == 1 else 2  # a fraction reads as plural ("1.5 days")
        if unit == "days":
            return ngettext("%(n)s day", "%(n)s days", plural) % {"n": shown}
        if unit == "hours":
            return ngettext("%(n)s hour", "%(n)s hours", plural) % {"n": shown}
        return ngettext("%(n)s month", "%(n)s months", plural) % {"n": shown}
    return format_value(number, unit, currency=currency)


def _kpi_row(kpi: dict[str, Any], currency: str) -> KpiRow:
    unit, better = kpi.get("unit", "count"), bool(kpi.get("higher_is_better", True))
    value = _decimal(kpi.get("value"))
    previous, year_ago = _decimal(kpi.get("previous")), _decimal(kpi.get("year_ago"))
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


def _month_label(day: date) -> str:
    """ "Sep 2026": a chart's month, its name as a word."""
    return format_skeleton("yMMM", day, locale=babel_locale())


def _trend_charts(data: dict[str, Any], palette: Palette, currency: str) -> dict[str, Chart]:
    """The twelve months up to the quarter's end: money (pipeline registered, revenue won)
    and counts (deals registered, won), each a line chart."""
    trend = data.get("trend") or {}
    months = [_day(m) for m in trend.get("months", [])]
    labels = [_month_label(m) if m else "" for m in months]
    series = {s["metric"]: s for s in trend.get("series", [])}

    def line(metric: str, label: str, *, dashed: bool = False) -> Series | None:
        found = series.get(metric)
        if found is None or len(found.get("values", [])) != len(labels):
            return None
        return Series(label, [_decimal(v) for v in found["values"]], dashed=dashed)

    charts: dict[str, Chart] = {}
    if not labels:
        return charts
    money = [
        s
        for s in (
            line("deals.pipeline_registered", _("Pipeline registered")),
            line("deals.revenue_won", _("Revenue won")),
        )
        if s
    ]
    if money:
        charts["money"] = line_chart(
            *money,
            x_labels=labels,
            title=_("Pipeline registered and revenue won by month"),
            unit="money",
            currency=currency,
            palette=palette,
            x_title=_("Month"),
            width=640,
            height=190,
        )
    counts = [
        s
        for s in (
            line("deals.registered", _("Deals registered")),
            line("deals.won", _("Deals won"), dashed=True),
        )
        if s
    ]
    if counts:
        charts["counts"] = line_chart(
            *counts,
            x_labels=labels,
            title=_("Deals registered and won by month"),
            unit="count",
            currency=currency,
            palette=palette,
            x_title=_("Month"),
            width=640,
            height=145,
        )
    return charts


def _goal_figure(value: Decimal, *, unit: str, currency: str) -> str:
    return figure_text(value, unit, currency=currency)


def _goals(plan: dict[str, Any], palette: Palette, currency: str) -> list[dict[str, Any]]:
    """The plan's goals with their progress to date drawn as a bar against the target."""
    goals = []
    for goal in plan.get("goals", []):
        unit = goal.get("unit", "count")
        target, actual = _decimal(goal.get("target")), _decimal(goal.get("actual"))
        progress = None
        share = ""
        if target is not None and target > 0:
            progress = gauge(
                actual if actual is not None else Decimal(0),
                title=_("%(goal)s: progress to the target") % {"goal": goal.get("label", "")},
                target=target,
                maximum=max(target, actual or Decimal(0)),
                format=partial(_goal_figure, unit=unit, currency=currency),
                palette=palette,
                shape="bar",
                width=260,
            )
            if actual is not None:
                share = format_value(
                    (actual * 100 / target).quantize(Decimal(1)), "percent", currency=currency
                )
        goals.append(
            {
                "label": goal.get("label", ""),
                "note": goal.get("note", ""),
                "target": figure_text(target, unit, currency=currency),
                "actual": figure_text(actual, unit, currency=currency),
                "share": share,
                "met": target is not None and actual is not None and actual >= target,
                "progress": progress,
            }
        )
    return goals


MILESTONE_STATUS = {
    "done": _("Done"),
    "overdue": _("Overdue"),
    "open": _("Open"),
}


def _plan(data: dict[str, Any], palette: Palette, currency: str) -> dict[str, Any] | None:
    plan = data.get("plan")
    if not plan:
        return None
    return {
        "year": plan.get("year"),
        "summary": plan.get("summary", ""),
        "to": format_day(_day(plan.get("to"))),
        "goals": _goals(plan, palette, currency),
        "milestones": [
            {
                "title": m.get("title", ""),
                "owner": m.get("owner", ""),
                "due_on": format_day(_day(m.get("due_on"))),
                "done_on": format_day(_day(m.get("done_on"))) if m.get("done_on") else "",
                "status": m.get("status", ""),
                "status_label": str(MILESTONE_STATUS.get(m.get("status", ""), m.get("status"))),
            }
            for m in plan.get("milestones", [])
        ],
    }


def _roi(revenue: Decimal | None, spend: Decimal | None) -> Decimal | None:
    if revenue is None or not spend:
        return None
    return (revenue / spend).quantize(Decimal("0.1"))


def _campaigns(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for c in data.get("campaigns", []):
        cur = c.get("currency") or data.get("currency", "")
        spend, revenue = _decimal(c.get("spend")), _decimal(c.get("revenue"))
        rows.append(
            {
                "reference": request_reference(c["number"]) if c.get("number") else "",
                "title": c.get("title", ""),
                "status": c.get("status", ""),
                "starts_on": format_day(_day(c.get("starts_on"))),
                "ends_on": format_day(_day(c.get("ends_on"))),
                "approved": format_money(_decimal(c.get("approved")), cur),
                "spend": format_money(spend, cur),
                "pipeline": format_money(_decimal(c.get("pipeline")), cur),
                "revenue": format_money(revenue, cur),
                "leads": format_number(c.get("leads")),
                "roi": figure_text(_roi(revenue, spend), "ratio", currency=cur),
            }
        )
    return rows


ACTION_STATUS = dict(QbrActionItem.Status.choices)


def _action_items(
    items: list[dict[str, Any]], data: dict[str, Any], tenant: Tenant
) -> list[dict[str, Any]]:
    """Action items as the document lists them. An open item due before the snapshot was
    read is marked overdue (the snapshot's day, not today's: the PDF must not change)."""
    built_on = _day(data.get("built_on"))
    vendor = data.get("vendor", "")
    partner = (data.get("partner") or {}).get("name", "")
    rows = []
    for item in items:
        due = _day(item.get("due_on"))
        status = item.get("status", "")
        start = _day(item.get("from_quarter"))
        raised = ""
        if start is not None:
            quarter = fiscal_quarter_of(start, tenant.fiscal_year_start)
            raised = period_label(QUARTER, quarter, tenant.fiscal_year_start)
        rows.append(
            {
                "title": item.get("title", ""),
                "owner": item.get("owner", ""),
                "side": vendor if item.get("vendor_side") else partner,
                "due_on": format_day(due),
                "status": status,
                "status_label": str(ACTION_STATUS.get(status, status)),
                "done_on": format_day(_day(item.get("done_on"))) if item.get("done_on") else "",
                "overdue": status == "open"
                and due is not None
                and built_on is not None
                and due < built_on,
                "raised": raised,
            }
        )
    return rows


def document_context(data: dict[str, Any], *, tenant: Tenant) -> dict[str, Any]:
    """What `TEMPLATE` shows, worked out from `data` (a snapshot's figures and narrative):
    every figure written, every chart drawn. Refuses data of another layout."""
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != SCHEMA:
        raise SnapshotSchemaError(
            f"QBR data of schema {schema!r} cannot be rendered: this renderer reads schema "
            f"{SCHEMA} (a snapshot of another layout needs its own reading)."
        )
    currency = data.get("currency") or tenant.default_currency
    palette = palette_for(tenant)
    kpis = {
        section: [_kpi_row(k, currency) for k in rows]
        for section, rows in (data.get("kpis") or {}).items()
    }
    by_metric = {row.metric: row for rows in kpis.values() for row in rows}
    narrative = data.get("narrative") or {}
    final = narrative.get("status") == "final"
    quarter = data.get("quarter") or {}
    psat = by_metric.get("partners.psat")
    answers = by_metric.get("partners.psat_answers")
    raw = {
        k.get("metric"): k.get("value") for rows in (data.get("kpis") or {}).values() for k in rows
    }
    mdf_use = _decimal(raw.get("mdf.utilisation"))
    return {
        "qbr": data,
        "currency": currency,
        "partner": data.get("partner") or {},
        "vendor": data.get("vendor") or tenant.name,
        "quarter": quarter,
        "quarter_span": _("%(start)s to %(end)s")
        % {
            "start": format_day(_day(quarter.get("start"))),
            "end": format_day(_day(quarter.get("end"))),
        },
        "built_on": format_day(_day(data.get("built_on"))),
        "final": final,
        "held_on": format_day(_day(narrative.get("held_on"))) if narrative.get("held_on") else "",
        "finalised_by": narrative.get("finalised_by", "") if final else "",
        "highlights": narrative.get("highlights", ""),
        "roadblocks": narrative.get("roadblocks", ""),
        "action_items": _action_items(narrative.get("action_items") or [], data, tenant),
        "carried": _action_items(data.get("carried") or [], data, tenant),
        "kpis": kpis,
        "cards": [by_metric[m] for m in CARDS if m in by_metric],
        "headline": [by_metric[m] for m in HEADLINE if m in by_metric],
        "charts": _trend_charts(data, palette, currency),
        "wins": [
            {
                "reference": reference_of(w["number"]) if w.get("number") else "",
                "customer": w.get("customer", ""),
                "amount": format_money(_decimal(w.get("amount")), w.get("currency") or currency),
                "closed_on": format_day(_day(w.get("closed_on"))),
            }
            for w in data.get("wins", [])
        ],
        "plan": _plan(data, palette, currency),
        "campaigns": _campaigns(data),
        "mdf_gauge": gauge(
            mdf_use,
            title=_("MDF utilisation"),
            palette=palette,
            shape="bar",
            width=320,
        )
        if mdf_use is not None
        else None,
        "certifications": [
            {
                "certification": c.get("certification", ""),
                "holder": c.get("holder", ""),
                "earned_on": format_day(_day(c.get("earned_on"))),
                "expires_on": format_day(_day(c.get("expires_on")))
                if c.get("expires_on")
                else _("No expiry"),
                "expiring": bool(c.get("expiring")),
            }
            for c in data.get("certifications", [])
        ],
        "expiring_count": sum(1 for c in data.get("certifications", []) if c.get("expiring")),
        "psat": psat if psat is not None and not psat.missing else None,
        "psat_answers": answers.value if answers is not None and not answers.missing else "",
        "tier": data.get("tier") or {},
    }


def render_qbr(data: dict[str, Any], *, tenant: Tenant) -> PdfFile:
    """The QBR's PDF and its page count (see `render_qbr_pdf`)."""
    return render_pdf_file(TEMPLATE, document_context(data, tenant=tenant), tenant=tenant)


def render_qbr_pdf(data: dict[str, Any], *, tenant: Tenant) -> bytes:
    """The PDF of a QBR: `data` is a snapshot's figures (`snapshot_data`) with the QBR's
    `narrative`; `tenant` is the QBR's (its brand; passed in, not read). Pure: no query, no
    write, nothing fetched but static files and the tenant's logo. Raises
    `SnapshotSchemaError` for data of another layout than `SCHEMA`."""
    return render_qbr(data, tenant=tenant).content


# A page tree's node: `<</Type /Pages /Kids [...] /Count n>>` (keys in either order).
_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def page_count(content: bytes) -> int:
    """How many pages a PDF this product rendered has, read from its page tree (the largest
    `/Count` of a `/Pages` node: the root's). WeasyPrint may keep the tree in a compressed
    object stream, so compressed streams are read too. No subprocess; `render_qbr` gives the
    count from the layout when the PDF is being made. Raises ValueError for no page tree."""
    chunks = [content]
    for stream in _STREAM.finditer(content):
        try:
            chunks.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue  # not a Flate stream (an image): no page tree in it
    counts = [
        int(found.group(1) or found.group(2))
        for chunk in chunks
        for found in _PAGES.finditer(chunk)
    ]
    if not counts:
        raise ValueError("No page tree found: not a PDF rendered here")
    return max(counts)
