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

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from babel.dates import format_skeleton
from django.utils.translation import gettext as _

from deals.models import reference_of
from mdf.models.requests import request_reference
from prm.charts import Chart, Series, gauge, line_chart, palette_for
from prm.charts.palette import Palette
from prm.dates import babel_locale, format_day
from prm.figures import format_number
from prm.metrics.registry import format_value
from prm.money import format_money
from prm.pdf import PdfFile, render_pdf_file
from prm.tenancy.models import Tenant

from ..models import QbrActionItem
from .figures import figure_text, kpi_row, number
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


class SnapshotSchemaError(ValueError):
    """The data is not a QBR snapshot of the layout this renderer reads (`SCHEMA`)."""


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


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
        return Series(label, [number(v) for v in found["values"]], dashed=dashed)

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
            height=180,
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
            height=135,
        )
    return charts


def _goal_figure(value: Decimal, *, unit: str, currency: str) -> str:
    return figure_text(value, unit, currency=currency)


def _goals(plan: dict[str, Any], palette: Palette, currency: str) -> list[dict[str, Any]]:
    """The plan's goals with their progress to date drawn as a bar against the target."""
    goals = []
    for goal in plan.get("goals", []):
        unit = goal.get("unit", "count")
        target, actual = number(goal.get("target")), number(goal.get("actual"))
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
        spend, revenue = number(c.get("spend")), number(c.get("revenue"))
        rows.append(
            {
                "reference": request_reference(c["number"]) if c.get("number") else "",
                "title": c.get("title", ""),
                "status": c.get("status", ""),
                "starts_on": format_day(_day(c.get("starts_on"))),
                "ends_on": format_day(_day(c.get("ends_on"))),
                "approved": format_money(number(c.get("approved")), cur),
                "spend": format_money(spend, cur),
                "pipeline": format_money(number(c.get("pipeline")), cur),
                "revenue": format_money(revenue, cur),
                "leads": format_number(c.get("leads")),
                "roi": figure_text(_roi(revenue, spend), "ratio", currency=cur),
            }
        )
    return rows


ACTION_STATUS = dict(QbrActionItem.Status.choices)


def _action_items(items: list[dict[str, Any]], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Action items as the document lists them. An open item due before the snapshot was
    read is marked overdue (the snapshot's day, not today's: the PDF must not change)."""
    built_on = _day(data.get("built_on"))
    vendor = data.get("vendor", "")
    partner = (data.get("partner") or {}).get("name", "")
    rows = []
    for item in items:
        due = _day(item.get("due_on"))
        status = item.get("status", "")
        raised = item.get("from_label", "")
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
        section: [kpi_row(k, currency) for k in rows]
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
    mdf_use = number(raw.get("mdf.utilisation"))
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
        "action_items": _action_items(narrative.get("action_items") or [], data),
        "carried": _action_items(data.get("carried") or [], data),
        "kpis": kpis,
        "cards": [by_metric[m] for m in CARDS if m in by_metric],
        "headline": [by_metric[m] for m in HEADLINE if m in by_metric],
        "charts": _trend_charts(data, palette, currency),
        "wins": [
            {
                "reference": reference_of(w["number"]) if w.get("number") else "",
                "customer": w.get("customer", ""),
                "amount": format_money(number(w.get("amount")), w.get("currency") or currency),
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
