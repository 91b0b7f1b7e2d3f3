"""The admin page that loads a payment batch's paid file (`prm.csvio.payments`): one page for
every app that pays in batches (MDF claims, commission statements). The app gives its batch,
its load service and its sentences; the page shows the file's problems row by row, or marks
the rows paid and returns to the batch."""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from prm.tenancy.requests import posted
from prm.workspace.sites import tenant_admin_site

from .admin import CsvUploadForm
from .importing import MAX_BYTES, MAX_ROWS, RowError, RowErrors


def paid_file_page(
    request: HttpRequest,
    *,
    batch: Any,
    load: Callable[[Any], int],
    url_prefix: str,
    columns: Sequence[Any],
    intro: str,
    submit_label: str,
    done: Callable[[int], str],
) -> HttpResponse:
    """Serve the paid-file page of `batch` (a row of a model with `reference`).

    `load(upload)` pays the file's rows (all or none) and returns how many, raising
    `ValidationError` for an unreadable file and `RowErrors` for rows that are wrong;
    `url_prefix` names the batch's admin pages (`"admin:mdf_paymentbatch"` + `_changelist`,
    `_change`, `_csv`); `done(count)` is the message once paid. The view declares its
    capability and accepts uploads (`accepts_uploads(CsvUploadForm)`) itself.
    """
    form = CsvUploadForm(posted(request), request.FILES if request.method == "POST" else None)
    errors: list[RowError] = []
    model: type[Model] = type(batch)
    if request.method == "POST" and form.is_valid():
        try:
            count = load(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        except RowErrors as exc:
            errors = exc.errors
        else:
            tenant_admin_site.get_model_admin(model).message_user(request, done(count))
            return redirect(f"{url_prefix}_change", batch.pk)
    return TemplateResponse(
        request,
        "admin/prm/paid_file_import.html",
        {
            **tenant_admin_site.each_context(request),
            "title": _("Load the paid file of %(batch)s") % {"batch": batch.reference},
            "opts": model._meta,
            "object": batch,
            "form": form,
            "errors": errors,
            "columns": columns,
            "intro": intro,
            "submit_label": submit_label,
            "changelist_url": reverse(f"{url_prefix}_changelist"),
            "change_url": reverse(f"{url_prefix}_change", args=[batch.pk]),
            "csv_url": reverse(f"{url_prefix}_csv", args=[batch.pk]),
            "max_megabytes": MAX_BYTES // (1024 * 1024),
            "max_rows": MAX_ROWS,
        },
    )
