"""The statement's files as downloads, for the admin UI and the portal alike (each view has
found the statement through `statements_visible_to` first)."""

from django.http import HttpResponse
from django.http.response import HttpResponseBase

from prm.csvio.writing import csv_response, export_filename

from .models import Statement
from .services import statements as service
from .services.statement_pdf import statement_pdf


def pdf_response(statement: Statement) -> HttpResponse:
    """The statement's PDF as a download, never cached (it is a partner's money)."""
    content, name = statement_pdf(statement)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def csv_of(statement: Statement) -> HttpResponseBase:
    """The statement's lines and totals as CSV (formula-safe, `prm.csvio`)."""
    return csv_response(
        filename=export_filename(statement.tenant.slug, f"statement-{statement.reference}"),
        header=service.CSV_HEADER,
        rows=service.statement_csv_rows(statement),
    )
