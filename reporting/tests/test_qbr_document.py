"""The QBR's PDF (reporting.qbrs.document): a real PDF read back with poppler, drawn from a
snapshot's data alone (no query), the same text every time, 6 to 12 pages for a partner with a
plan, deals, MDF and certifications, a draft marked as one, and no request made for anything a
person typed into it."""

import copy
import re
import subprocess
import threading
import urllib.request
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone, translation

from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.metrics.periods import fiscal_quarter_of
from prm.money import format_money
from prm.tenancy.roles import Role
from reporting.models import Qbr
from reporting.qbrs.document import (
    SnapshotSchemaError,
    render_qbr,
    render_qbr_pdf,
)
from reporting.qbrs.snapshot import SCHEMA, snapshot_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def text_of(content: bytes, *, layout: bool = True) -> str:
    """The PDF's text (poppler's pdftotext); `layout=False` keeps each table cell's lines
    together instead of setting the cells of a row side by side."""
    options = ["-layout"] if layout else []
    done = subprocess.run(
        ["pdftotext", *options, "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def flat(text: str) -> str:
    """The text with runs of white space as one space (a cell's text may wrap)."""
    return re.sub(r"\s+", " ", text)


def pages_of(content: bytes, tmp_path) -> int:
    path = tmp_path / "qbr.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def kpi(metric, label, unit, value, previous, year_ago, higher_is_better=True):
    return {
        "metric": metric,
        "label": label,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "value": value,
        "previous": previous,
        "year_ago": year_ago,
    }


def narrative(**values):
    return {
        "status": "final",
        "highlights": "Closed Alpine Ski House from the webinar series.",
        "roadblocks": "Presales certification slipped to November.",
        "action_items": [
            {
                "title": "Certify two presales engineers",
                "owner": "Nora North · Partner admin",
                "vendor_side": False,
                "due_on": "2026-10-15",
                "status": "open",
                "done_on": None,
                "from_quarter": "2026-07-01",
                "from_label": "Q3 of fiscal 2026",
            }
        ],
        "held_on": "2026-10-20",
        "finalised_by": "Carla Cam",
        **values,
    }


def qbr_data(**narrative_values):
    """A hand-made snapshot of a partner with a plan, deals, MDF and certifications (the
    layout `snapshot_data` writes), with a narrative."""
    months = [f"{2025 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}-01" for i in range(12)]
    return {
        "schema": SCHEMA,
        "built_on": "2026-10-21",
        "currency": "USD",
        "vendor": "Acme Cloud",
        "partner": {
            "name": "Northwind Solutions",
            "type": "Reseller",
            "tier": "Silver",
            "region": "North America",
            "cams": ["Carla Cam"],
        },
        "quarter": {
            "label": "Q3 of fiscal 2026",
            "start": "2026-07-01",
            "end": "2026-09-30",
            "previous": "Q2 of fiscal 2026",
            "year_ago": "Q3 of fiscal 2025",
        },
        "kpis": {
            "deals": [
                kpi(
                    "deals.pipeline_registered",
                    "pipeline registered",
                    "money",
                    "235025.15",
                    "395975.73",
                    "0",
                ),
                kpi("deals.revenue_won", "revenue won", "money", "153059.54", "262163.05", "0"),
                kpi("deals.won", "deals won", "count", "4", "4", "0"),
                kpi("deals.win_rate", "win rate", "percent", "80.0", "57.1", None),
                kpi(
                    "deals.days_to_close",
                    "days to close",
                    "days",
                    "36",
                    "44",
                    None,
                    higher_is_better=False,
                ),
            ],
            "mdf": [
                kpi("mdf.allocated", "MDF allocated", "money", "10000.00", "0.00", "0.00"),
                kpi("mdf.utilisation", "MDF utilisation", "percent", "33.6", None, None),
                kpi("mdf.roi", "MDF return (revenue ÷ spend)", "ratio", "14.29", None, None),
            ],
            "training": [
                kpi("training.certified_users", "certified users", "count", "1", "1", "1"),
            ],
            "commissions": [
                kpi("commissions.earned", "commission earned", "money", "9600.00", "0", "0"),
                kpi("commissions.paid", "commission paid", "money", "0", "0", "0"),
            ],
            "engagement": [
                kpi(
                    "partners.monthly_active_rate",
                    "active user rate",
                    "percent",
                    "100.0",
                    "66.7",
                    "0.0",
                ),
            ],
        },
        "trend": {
            "months": months,
            "series": [
                {
                    "metric": "deals.pipeline_registered",
                    "label": "pipeline registered",
                    "unit": "money",
                    "values": [str(10000 * (i + 1)) for i in range(12)],
                },
                {
                    "metric": "deals.revenue_won",
                    "label": "revenue won",
                    "unit": "money",
                    "values": [str(5000 * i) if i % 3 else None for i in range(12)],
                },
                {
                    "metric": "deals.registered",
                    "label": "deals registered",
                    "unit": "count",
                    "values": [str(i % 4) for i in range(12)],
                },
                {
                    "metric": "deals.won",
                    "label": "deals won",
                    "unit": "count",
                    "values": [str(i % 2) for i in range(12)],
                },
            ],
        },
        "plan": {
            "year": 2026,
            "summary": "Grow with mid-market software companies.",
            "to": "2026-09-30",
            "goals": [
                {
                    "label": "Active users",
                    "unit": "count",
                    "target": "6.00",
                    "actual": "3",
                    "note": "Every seller on the portal.",
                },
                {
                    "label": "Months in the program",
                    "unit": "months",
                    "target": "30.00",
                    "actual": "24",
                    "note": "",
                },
            ],
            "milestones": [
                {
                    "title": "Joint kick-off workshop",
                    "owner": "Carla Cam · CAM",
                    "due_on": "2026-10-08",
                    "done_on": "2026-10-07",
                    "status": "done",
                },
                {
                    "title": "Launch the webinar series",
                    "owner": "Nora North · Partner admin",
                    "due_on": "2027-01-06",
                    "done_on": None,
                    "status": "open",
                },
            ],
        },
        "wins": [
            {
                "number": 15,
                "customer": "Alpine Ski House",
                "amount": "48000.00",
                "currency": "USD",
                "closed_on": "2026-08-25",
            },
            {
                "number": 182,
                "customer": "Tidal Pharma",
                "amount": "38467.85",
                "currency": "GBP",
                "closed_on": "2026-08-29",
            },
        ],
        "campaigns": [
            {
                "number": 1,
                "title": "Partner webinar series",
                "status": "Approved",
                "approved": "4000.00",
                "currency": "USD",
                "starts_on": "2026-07-16",
                "ends_on": "2026-08-06",
                "spend": "3360.00",
                "pipeline": "48000.00",
                "revenue": "48000.00",
                "leads": 42,
            },
        ],
        "certifications": [
            {
                "certification": "Cloud Essentials",
                "holder": "Ned Rep",
                "earned_on": "2024-12-30",
                "expires_on": "2026-12-01",
                "expiring": True,
            },
            {
                "certification": "Cloud Architect",
                "holder": "Nora North",
                "earned_on": "2026-02-01",
                "expires_on": None,
                "expiring": False,
            },
        ],
        "tier": {"current": "Silver", "next": "Gold", "path": "2 more certified reps → Gold"},
        "carried": [
            {
                "title": "Share the pipeline review deck",
                "owner": "Carla Cam · CAM",
                "vendor_side": True,
                "due_on": "2026-07-15",
                "status": "done",
                "done_on": "2026-07-10",
                "from_quarter": "2026-04-01",
                "from_label": "Q2 of fiscal 2026",
            },
        ],
        "narrative": narrative(**narrative_values),
    }


def test_the_pdf_of_a_snapshot_shows_the_partner_quarter_figures_and_highlights(world, tmp_path):
    """Through `snapshot_data`: the world's partner has a plan for this year, funded MDF
    campaigns and certifications; it wins two deals this quarter."""
    tenant, partner = world.tenant, world.partner
    today = timezone.localdate()
    quarter = fiscal_quarter_of(today, tenant.fiscal_year_start)
    for amount in ("48000.00", "12500.50"):
        DealFactory(
            partner=partner,
            owner=world.members[Role.PARTNER_REP],
            status=Deal.Status.WON,
            currency=tenant.default_currency,
            amount=Decimal(amount),
            won_amount=Decimal(amount),
            closed_on=today,
            submitted_at=timezone.now() - timedelta(days=3),
        )
    qbr = Qbr(tenant=tenant, partner=partner, period_start=quarter.start, period_end=quarter.end)
    data = snapshot_data(qbr, today=today)
    data["narrative"] = narrative(highlights="Two wins in the first weeks of the quarter.")
    assert data["plan"]
    assert data["campaigns"]
    assert data["certifications"]
    assert data["wins"]

    made = render_qbr(data, tenant=tenant)
    text = flat(text_of(made.content))
    assert partner.name in text
    assert data["quarter"]["label"] in text
    assert format_money(Decimal("60500.50"), tenant.default_currency) in text  # revenue won
    assert format_money(Decimal("48000.00"), tenant.default_currency) in text  # the biggest win
    assert "Two wins in the first weeks of the quarter." in text
    assert "Held on Oct 20, 2026" in text
    pages = pages_of(made.content, tmp_path)
    assert 6 <= pages <= 12
    assert made.pages == pages
    assert re.search(rf"\b{pages}\s*/\s*{pages}\b", text)  # page numbers at the foot


def test_the_document_holds_every_section_with_its_figures_written(world, tmp_path):
    content = render_qbr_pdf(qbr_data(), tenant=world.tenant)
    text = flat(text_of(content))
    for heading in (
        "Contents",
        "Summary",
        "Pipeline and wins",
        "Business plan",
        "Market development funds",
        "Training and certifications",
        "Earnings",
        "Partner satisfaction",
        "Tier and path",
        "Highlights and roadblocks",
        "Action items",
    ):
        assert heading in text
    assert "$153,059.54" in text  # money, by the one formatter
    assert "£38,467.85" in text  # a win in its own currency
    assert "80%" in text  # a percentage
    assert "+22.9 pts" in text  # and its change
    assert "36 days" in text  # a time with its word
    assert "14.29×" in text  # a ratio
    assert "Aug 25, 2026" in text  # a day, its month as a word
    assert "DR-000015" in text
    assert "MDF-000001" in text
    assert "Expiring" in text  # the certification expiring after the quarter
    assert "Overdue" in text  # an open action item due before the snapshot was read
    assert "Not enough answers yet" in text  # no PSAT metric in the data
    assert "2 more certified reps → Gold" in text
    assert "Share the pipeline review deck" in text  # carried from an earlier review
    assert 6 <= pages_of(content, tmp_path) <= 12


def test_the_same_data_renders_the_same_text_twice_without_a_query(
    world, django_assert_num_queries
):
    data = qbr_data()
    with django_assert_num_queries(0):
        first = render_qbr_pdf(copy.deepcopy(data), tenant=world.tenant)
        second = render_qbr_pdf(copy.deepcopy(data), tenant=world.tenant)
    assert text_of(first) == text_of(second)


def test_a_draft_shows_the_draft_mark_and_a_final_the_day_it_was_held(world):
    draft = flat(
        text_of(
            render_qbr_pdf(
                qbr_data(status="draft", held_on=None, finalised_by=""), tenant=world.tenant
            )
        )
    )
    final = flat(text_of(render_qbr_pdf(qbr_data(), tenant=world.tenant)))
    assert "DRAFT — NOT FINAL" in draft.upper()
    assert "Held on" not in draft
    assert "Held on Oct 20, 2026" in final
    assert "finalised by Carla Cam" in final
    assert "DRAFT" not in final.upper()


def test_the_psat_score_and_its_answers_are_shown_when_the_data_holds_them(world):
    data = qbr_data()
    data["kpis"]["engagement"] += [
        kpi("partners.psat", "partner satisfaction", "count", "8.6", "7.9", None),
        kpi("partners.psat_answers", "survey answers", "count", "12", "9", None),
    ]
    text = flat(text_of(render_qbr_pdf(data, tenant=world.tenant)))
    assert "8.6" in text
    assert "from 12 answers" in text
    assert "Not enough answers yet" not in text
    data["kpis"]["engagement"][1]["value"] = None  # the metric found too few answers
    text = flat(text_of(render_qbr_pdf(data, tenant=world.tenant)))
    assert "Not enough answers yet" in text


class Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A real HTTP server on a free local port, recording every request it receives."""
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_urls_typed_into_the_review_make_no_request(world, local_server):
    base, received = local_server
    urllib.request.urlopen(f"{base}/control", timeout=5).close()  # the server does answer
    assert received == ["/control"]
    received.clear()
    typed = (
        f'See {base}/plain.png and <img src="{base}/img.png">'
        f' <link rel="stylesheet" href="{base}/style.css">'
        f" <style>body {{ background: url({base}/bg.png) }}</style>"
        f" <div style=\"background-image: url('{base}/inline.png')\">x</div>"
        ' file:///etc/passwd <img src="file:///etc/passwd">'
    )
    data = qbr_data(highlights=typed, roadblocks=typed)
    data["narrative"]["action_items"][0]["title"] = f'<img src="{base}/action.png"> go'
    data["partner"]["name"] = f'<link rel=stylesheet href="{base}/name.css">Northwind'
    content = render_qbr_pdf(data, tenant=world.tenant)
    assert received == []
    assert content.startswith(b"%PDF-")
    text = re.sub(r"\s+", "", text_of(content, layout=False))  # a cell wraps a long line
    assert f'<imgsrc="{base}/img.png">' in text  # shown as typed, escaped
    assert "file:///etc/passwd" in text
    assert "root:" not in text
    assert f'<imgsrc="{base}/action.png">go' in text


@pytest.mark.parametrize("schema", [None, SCHEMA + 1, "1"])
def test_data_of_another_schema_is_refused(world, schema):
    data = qbr_data()
    if schema is None:
        del data["schema"]
    else:
        data["schema"] = schema
    with pytest.raises(SnapshotSchemaError, match="schema"):
        render_qbr_pdf(data, tenant=world.tenant)
