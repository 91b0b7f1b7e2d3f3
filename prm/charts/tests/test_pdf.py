"""The same chart markup renders in a WeasyPrint PDF (prm.pdf.render_pdf): every chart type
drawn (its axis text is in the PDF's text), the data tables hidden, the tenant's colours painted."""

import os
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from prm.charts import (
    Bar,
    Series,
    bar_chart,
    gauge,
    line_chart,
    palette_for,
    sparkline,
    stacked_bar_chart,
)
from prm.pdf import render_pdf

HERE = Path(__file__).parent
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture(autouse=True)
def chart_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], HERE / "templates"]}
    ]


def every_chart(palette):
    revenue = [
        D(v) if v is not None else None
        for v in [1200, 3400, None, 5600, 4300, 8000, 9100, 7600, None, None, 12000, 15500]
    ]
    return [
        (
            "Line",
            line_chart(
                Series("Revenue won", revenue),
                Series("Same month last year", [D(900 + 600 * i) for i in range(12)], dashed=True),
                x_labels=MONTHS,
                title="Revenue won",
                unit="money",
                currency="EUR",
                palette=palette,
            ),
        ),
        (
            "Bars",
            bar_chart(
                [
                    Bar("Gold", D(40)),
                    Bar("Silver partners of the northern region", D(25), note="3 of 4"),
                    Bar("Bronze", None),
                    Bar("Registered", D(-10)),
                ],
                title="Pass rate per tier",
                unit="percent",
                palette=palette,
            ),
        ),
        (
            "Horizontal bars",
            bar_chart(
                [
                    Bar("Contoso Systems", D(42000)),
                    Bar("Northwind Traders", D(31000)),
                    Bar("Fabrikam", D(-3000)),
                ],
                title="Top partners",
                horizontal=True,
                unit="money",
                currency="USD",
                palette=palette,
            ),
        ),
        (
            "Stacked bars",
            stacked_bar_chart(
                Series("Registered", [D(30), D(22), D(9)]),
                Series("Approved", [D(18), D(15), D(4)]),
                Series("Won", [D(7), D(9), D(2)]),
                categories=["Reseller", "Referral", "SI"],
                title="Funnel by partner type",
                palette=palette,
            ),
        ),
        ("Gauges", gauge(D(83), target=D(90), title="SLA attainment", palette=palette)),
        (
            "Bar gauge",
            gauge(D(57), target=D(40), title="MDF utilisation", shape="bar", palette=palette),
        ),
        (
            "Sparkline",
            sparkline([D(v) for v in (3, 4, 2, 6, 7, 5, 9)], title="Pipeline", palette=palette),
        ),
        ("Empty", line_chart(Series("Logins", [None] * 3), x_labels=MONTHS[:3], title="Logins")),
        ("Single point", line_chart(Series("Deals", [D(5)]), x_labels=["Jan"], title="Deals")),
    ]


def test_every_chart_type_renders_into_a_pdf(ours, tmp_path):
    with translation.override("en"):
        pdf = render_pdf(
            "charts_tests/all_charts.html",
            {"title": "Charts", "charts": every_chart(palette_for(ours.tenant))},
            tenant=ours.tenant,
        )
    assert pdf.startswith(b"%PDF-")
    if folder := os.environ.get("CHARTS_PDF_DIR"):  # to look at it: pdftoppm -png -r 80
        Path(folder, "charts.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    # text drawn inside the SVGs: ticks, labels, values, the gauge, the empty state
    for drawn in (
        "€15K",
        "Dec",
        "40%",
        "25% (3 of 4)",
        "$42,000.00",
        "Reseller",
        "83%",
        "Target: 90%",
        "No data for this period",
        "Jan",
    ):
        assert drawn in text, drawn
    # the data tables are for screen readers: hidden on paper (their caption is not printed)
    assert "Period" not in text


def test_the_pdf_is_painted_in_the_tenants_colours(ours, tmp_path):
    """The colours are SVG attributes, not CSS variables: WeasyPrint paints them as they are."""
    ours.tenant.primary_colour = "#c2185b"
    palette = palette_for(ours.tenant)
    assert palette[0] == "#c2185b"
    pdf = render_pdf(
        "charts_tests/all_charts.html",
        {"title": "Charts", "charts": every_chart(palette)[:2]},
        tenant=ours.tenant,
    )
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "c.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    pixels = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}
    assert (0xC2, 0x18, 0x5B) in pixels
