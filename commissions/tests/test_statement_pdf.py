"""The statement's PDF: a real PDF, branded, with every line (a long statement spans pages with
the table's header on each), stored once for an approved statement and made again when it is
paid."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django_scopes import scope

from commissions.models import Line, Statement
from commissions.services import payouts
from commissions.services.statement_pdf import (
    TEMPLATE,
    statement_pdf,
    statement_pdf_bytes,
    statement_pdf_store,
)
from commissions.services.statements import period_close, statement_approve
from commissions.tasks import statement_pdf_store_task
from commissions.tests.factories import line_row
from prm.exchange.services import tenant_today
from prm.metrics.periods import month_of
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    """The PDF's text, read back with poppler's pdftotext (as the other PDF tests do)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def pages_of(content: bytes, tmp_path) -> int:
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def test_the_pdf_is_a_real_pdf_of_the_statement(in_ours, tmp_path):
    statement = in_ours.statement
    content = statement_pdf_bytes(statement)
    assert content.startswith(b"%PDF-")
    assert pages_of(content, tmp_path) == 1
    text = text_of(content)
    assert statement.reference in text
    assert statement.partner.name in text
    assert "Test line" in text  # the line's description
    assert "1,200.00" in text
    assert "Opening balance" in text
    assert re.search(r"\b1\s*/\s*1\b", text)  # page numbers


def test_the_pdf_template_holds_every_line_totals_and_the_payment(in_ours):
    statement = in_ours.statement
    Statement.objects.filter(pk=statement.pk).update(
        status=Statement.Status.PAID,
        paid_on=tenant_today(in_ours.tenant),
        payment_reference="TRF-7",
    )
    statement.refresh_from_db()
    html = render_to_string(
        TEMPLATE,
        {
            "statement": statement,
            "partner": statement.partner,
            "totals": list(statement.totals.all()),
            "lines": [
                {
                    "earned_on": line.earned_on,
                    "source": line.get_source_display(),
                    "deal": "",
                    "customer": "",
                    "description": line.reason,
                    "amount": line.amount,
                    "currency": line.currency,
                }
                for line in statement.lines.all()
            ],
            "pdf": {"branding": None},
        },
    )
    assert statement.reference in html
    assert statement.partner.name in html
    assert "TRF-7" in html
    assert "Opening balance" in html
    assert "Test line" in html


def test_a_long_statement_spans_pages(in_ours, tmp_path):
    period = month_of(month_of(tenant_today(in_ours.tenant)).start - timedelta(days=40))
    for i in range(120):
        line_row(in_ours.partner, str(10 + i), earned_on=period.end, reason=f"Line number {i}")
    period_close(actor=in_ours.members[Role.PARTNER_OPS], period=period)
    statement = Statement.objects.get(partner=in_ours.partner, period_start=period.start)
    content = statement_pdf_bytes(statement)
    pages = pages_of(content, tmp_path)
    assert pages >= 3
    text = text_of(content)
    assert all(f"Line number {i}" in text for i in (0, 60, 119))
    assert text.count("Earned on") == pages  # the table's header on every page
    assert re.search(rf"\b{pages}\s*/\s*{pages}\b", text)
    assert Line.objects.filter(statement=statement).count() == 120


def test_an_approved_statement_stores_its_pdf_once_and_a_paid_one_again(
    in_ours, ops, django_capture_on_commit_callbacks
):
    period = month_of(month_of(tenant_today(in_ours.tenant)).start - timedelta(days=40))
    line_row(in_ours.partner, "100", earned_on=period.end)
    period_close(actor=ops, period=period)
    draft = Statement.objects.get(partner=in_ours.partner, period_start=period.start)
    assert statement_pdf_store(draft) is False  # a draft may change: none stored
    approved = statement_approve(actor=ops, statement=draft)
    assert statement_pdf_store_task(tenant_id=in_ours.tenant.pk, statement_id=approved.pk)
    approved.refresh_from_db()
    assert approved.pdf.name
    assert not statement_pdf_store(approved)  # stored already
    content, name = statement_pdf(approved)
    assert content.startswith(b"%PDF-")
    assert name.endswith(".pdf")
    paid = payouts.statement_mark_paid(
        actor=ops, statement=approved, paid_on=tenant_today(in_ours.tenant), reference="TRF-1"
    )
    assert not paid.pdf  # the approved one's PDF is made again, with the payment
    assert statement_pdf_store_task(tenant_id=in_ours.tenant.pk, statement_id=paid.pk)
    assert Statement.objects.get(pk=paid.pk).pdf.name


def test_the_pdf_downloads_for_the_partner_admin(ours, host_client):
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = admin.get(f"/earnings/statements/{ours.statement.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    with scope(tenant=ours.tenant):
        assert Statement.objects.get(pk=ours.statement.pk).pdf.name  # stored on first download
