"""The PDF of a statement (`prm.pdf.render_pdf`, branded for the tenant), stored once in the
private storage for an approved or paid statement and served only by views that found the
statement through `statements_visible_to`.

The PDF is made after the approval commits (a task) and made again when the statement is paid
(it then says "Paid on …, reference …"); a download that finds none stored makes and stores it.
A long statement spans pages: the table's header repeats on each page, page numbers are in the
margins (pdf/base.html).
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from ..models import Statement
from .statements import line_description, statement_lines

TEMPLATE = "commissions/pdf/statement.html"


def statement_pdf_bytes(statement: Statement) -> bytes:
    """The statement as a PDF: number, partner, period, status (paid on, reference), totals per
    currency with opening and closing balances, and every line."""
    from prm.pdf import render_pdf  # WeasyPrint loads in a second: only when a PDF is made

    lines = [
        {
            "earned_on": line.earned_on,
            "source": line.get_source_display(),
            "deal": line.deal.reference if line.deal_id is not None and line.deal else "",
            "customer": line.deal.customer_name if line.deal_id is not None and line.deal else "",
            "description": line_description(line),
            "amount": line.amount,
            "currency": line.currency,
        }
        for line in statement_lines(statement).iterator(chunk_size=2000)
    ]
    context = {
        "statement": statement,
        "partner": statement.partner,
        "totals": list(statement.totals.all()),
        "lines": lines,
    }
    return render_pdf(TEMPLATE, context, tenant=statement.tenant)


def pdf_filename(statement: Statement) -> str:
    return f"{slugify(f'{statement.reference} {statement.partner.name}') or 'statement'}.pdf"


def statement_pdf_store(statement: Statement) -> bool:
    """Make and store the PDF of an approved or paid statement that has none (idempotent: the
    row is re-read under its lock; a draft gets none, since it may still change)."""
    if statement.status == Statement.Status.DRAFT:
        return False
    content = statement_pdf_bytes(statement)
    with transaction.atomic():
        row = (
            Statement.objects.select_for_update()
            .filter(pk=statement.pk, tenant_id=statement.tenant_id)
            .first()
        )
        if row is None or row.pdf or row.status != statement.status:
            return False
        row.pdf.save(pdf_filename(row), ContentFile(content), save=False)
        Statement.objects.filter(pk=row.pk).update(pdf=row.pdf.name)
    return True


def statement_pdf(statement: Statement) -> tuple[bytes, str]:
    """The statement's PDF and its file name: the stored one, else made now (and stored for
    an approved or paid statement)."""
    if statement.pdf:
        try:
            with statement.pdf.open("rb") as handle:
                return handle.read(), pdf_filename(statement)
        except FileNotFoundError:
            pass
    content = statement_pdf_bytes(statement)
    if statement.status != Statement.Status.DRAFT:
        with transaction.atomic():
            name = f"{statement.reference}.pdf"
            statement.pdf.save(name, ContentFile(content), save=False)
            Statement.objects.filter(pk=statement.pk, tenant_id=statement.tenant_id).update(
                pdf=statement.pdf.name
            )
    return content, pdf_filename(statement)
