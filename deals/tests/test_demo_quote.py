"""The demo's quote (deals/demo.py): a real PDF rendered by prm.pdf, read back with pdftotext."""

import subprocess
from datetime import date
from decimal import Decimal

from deals.demo import quote_pdf


def test_the_demo_quote_is_a_pdf_with_the_partners_lines_and_total():
    pdf = quote_pdf(
        number="Q-2026-0142",
        partner_name="Northwind Solutions",
        customer_name="Blue Yonder Airlines",
        issued=date(2026, 3, 2),
        lines=[("Suite, 250 seats", Decimal("180000.00")), ("Onboarding", Decimal("12500.50"))],
        currency="EUR",
        terms="Prices exclude VAT.",
    )
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert pdf.startswith(b"%PDF-")
    for expected in (
        "Northwind Solutions",
        "Quote Q-2026-0142",
        "Blue Yonder Airlines",
        "Suite, 250 seats",
        "€180,000.00",
        "€192,500.50",
        "Prices exclude VAT.",
        "Apr 1, 2026",  # valid for 30 days
        "1/1",
    ):
        assert expected in text
