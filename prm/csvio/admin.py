"""The "Export CSV" and "Import CSV" buttons of a changelist in the vendor admin UI.

Export: add `CsvExportMixin` to a model admin's bases. The file holds exactly the rows the
changelist shows (its filters, search and ordering, through the admin's own `get_queryset`, so
a CAM exports only what they see) in the columns of `csv_columns` (named like `list_display`).

Import: add `CsvImportMixin` and give `get_csv_importer(request)` (see `importing.CsvImporter`).
An app whose import page calls its import service directly declares the page's two URLs in its
admin urls module instead (same names) and sets `csv_import_own_urls`: its views use
`csv_import_response` and `csv_import_template_response` for the page and the template file.

The capability comes from the admin's `capabilities`: `"export"` (default: the view
capability) and `"import"` (default: the add capability). `tests/isolation/matrix.py` finds the
URLs of both mixins on every model admin by itself.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries.fields import Country

from prm.audit.services import audit_record
from prm.tenancy.requests import posted, tenant_of, user_of
from prm.uploads.fields import UploadField
from prm.uploads.handler import accepts_uploads
from prm.workspace.sites import TenantModelAdmin

from .importing import (
    MAX_BYTES,
    MAX_ROWS,
    CsvImporter,
    ImportColumn,
    RowError,
    RowErrors,
    read_rows,
    unread_headings,
)
from .reading import csv_rule
from .writing import csv_response, export_filename

#: errors shown on the import page; the count of the others is given
MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class _Column:
    header: str
    value: Callable[[Any], Any]


class CsvExportMixin(TenantModelAdmin):
    """Adds an "Export CSV" button to the changelist; every export is audited."""

    #: the columns, named like `list_display` entries (fields or display methods); empty: those
    #: of `list_display`. Foreign keys among them are fetched with the rows (no query per row).
    csv_columns: ClassVar[Sequence[str]] = ()
    change_list_template = "admin/prm/change_list.html"

    def has_csv_export_permission(self, request: HttpRequest) -> bool:
        if "export" in self.capabilities:
            return self._can(request, "export")
        return self.has_view_or_change_permission(request)

    def get_urls(self) -> list[Any]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        view = self.admin_site.admin_view(self.csv_export_view)
        return [path("export/", view, name=name), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if self.has_csv_export_permission(request):
            query = request.GET.copy()
            for ignored in (PAGE_VAR, ERROR_FLAG):
                query.pop(ignored, None)
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_export")
            extra_context = {
                **(extra_context or {}),
                "csv_export_url": f"{url}?{query.urlencode()}" if query else url,
            }
        return super().changelist_view(request, extra_context)

    def csv_export_headers(self, request: HttpRequest) -> list[str]:
        return [c.header for c in self._csv_columns(request)]

    def csv_export_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_csv_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return redirect(f"{url}?{ERROR_FLAG}=1")
        columns = self._csv_columns(request)
        related = [
            f.name
            for name in self._csv_column_names(request)
            if (f := self._model_field(name)) is not None and f.many_to_one
        ]
        queryset = changelist.queryset.select_related(*related)
        tenant = tenant_of(request)
        # Data leaves the product here: say who took what, and how much.
        audit_record(
            tenant=tenant,
            actor=user_of(request),
            action=f"{self.opts.app_label}.{self.opts.model_name}.exported",
            after={
                "rows": changelist.result_count,
                "filters": request.GET.urlencode(),
                "columns": [c.header for c in columns],
            },
            ip=request.META.get("REMOTE_ADDR"),
        )
        return csv_response(
            filename=export_filename(
                tenant.slug, str(self.opts.verbose_name_plural), timezone.localdate()
            ),
            header=[c.header for c in columns],
            rows=([c.value(obj) for c in columns] for obj in queryset.iterator(chunk_size=2000)),
        )

    def _csv_column_names(self, request: HttpRequest) -> list[str]:
        names = self.csv_columns or self.get_list_display(request)
        return [n for n in names if isinstance(n, str) and n != "action_checkbox"]

    def _model_field(self, name: str) -> "models.Field[Any, Any] | None":
        try:
            field = self.opts.get_field(name)
        except FieldDoesNotExist:
            return None
        return field if isinstance(field, models.Field) else None

    def _csv_columns(self, request: HttpRequest) -> list[_Column]:
        return [self._csv_column(name) for name in self._csv_column_names(request)]

    def _csv_column(self, name: str) -> _Column:
        """How one column reads its value: a field's label for its code, a related row's name,
        a country's name, or what the display method returns (its "empty" mark as nothing)."""
        header = capfirst(str(label_for_field(name, self.model, self)))
        field = self._model_field(name)
        empty = self.get_empty_value_display()
        labels = (
            {code: str(label) for code, label in field.flatchoices}
            if field is not None and field.choices and not field.is_relation
            else None
        )

        def value(obj: Any) -> Any:
            _f, _attr, found = lookup_field(name, obj, self)
            if isinstance(found, Country):
                return found.name
            if labels is not None:
                return labels.get(found, found)
            if field is not None and field.is_relation:
                return str(found) if found is not None else None
            return None if found == empty else found

        return _Column(header, value)


class CsvUploadForm(forms.Form):
    """The import page's form; `max_bytes` is the import's size limit (its view declares the
    same to the upload handler, `prm.uploads.handler.accepts_uploads`)."""

    file = UploadField(label=gettext_lazy("CSV file"), rule=csv_rule(MAX_BYTES))

    def __init__(self, *args: Any, max_bytes: int = MAX_BYTES, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UploadField, self.fields["file"]).rule = csv_rule(max_bytes)


class CsvImportMixin(TenantModelAdmin):
    """Adds an "Import CSV" page to the changelist: explains the columns, offers a template,
    checks an upload (with a "check only" button) and imports it all or not at all."""

    csv_import_max_bytes: ClassVar[int] = MAX_BYTES
    csv_import_max_rows: ClassVar[int] = MAX_ROWS
    #: True when the app's admin urls module declares the import page and its template
    #: (`<app>_<model>_import`, `..._import_template`), whose views call its import service;
    #: the mixin then adds only the button. False: the mixin's pages, through `get_csv_importer`.
    csv_import_own_urls: ClassVar[bool] = False
    change_list_template = "admin/prm/change_list.html"

    def get_csv_importer(self, request: HttpRequest) -> CsvImporter:
        raise NotImplementedError(f"{type(self).__name__} must say how to import its rows")

    def has_csv_import_permission(self, request: HttpRequest) -> bool:
        if "import" in self.capabilities:
            return self._can(request, "import")
        return self.has_add_permission(request)

    def _url_name(self, what: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{what}"

    def get_urls(self) -> list[Any]:
        if self.csv_import_own_urls:
            return super().get_urls()
        wrap = self.admin_site.admin_view
        # The upload handler stops storing a file past the import's limit (prm.uploads).
        import_view = accepts_uploads(file=self.csv_import_max_bytes)(wrap(self.csv_import_view))
        return [
            path("import/", import_view, name=self._url_name("import")),
            path(
                "import/template/",
                wrap(self.csv_import_template_view),
                name=self._url_name("import_template"),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if self.has_csv_import_permission(request):
            extra_context = {
                **(extra_context or {}),
                "csv_import_url": reverse(f"admin:{self._url_name('import')}"),
            }
        return super().changelist_view(request, extra_context)

    def get_csv_import_ignored(self, request: HttpRequest) -> list[str]:
        """Headings accepted and skipped: the export's columns, so that an exported file can be
        edited and imported (columns the import does not read, such as counts, are skipped)."""
        if isinstance(self, CsvExportMixin):
            return self.csv_export_headers(request)
        return []

    def csv_import_template_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_csv_import_permission(request):
            raise PermissionDenied
        return self.csv_import_template_response(request, self.get_csv_importer(request).columns)

    def csv_import_template_response(
        self, request: HttpRequest, columns: Sequence[ImportColumn]
    ) -> HttpResponseBase:
        """The empty file with the import's headings, to fill in."""
        name = _("%(things)s import template") % {"things": self.opts.verbose_name_plural}
        return csv_response(
            filename=export_filename(tenant_of(request).slug, name),
            header=[c.label for c in columns],
            rows=[],
        )

    def csv_import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_csv_import_permission(request):
            raise PermissionDenied
        importer = self.get_csv_importer(request)
        form = CsvUploadForm(
            posted(request),
            request.FILES if request.method == "POST" else None,
            max_bytes=self.csv_import_max_bytes,
        )
        errors: list[RowError] = []
        checked: int | None = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                clean = read_rows(
                    upload,
                    columns=importer.columns,
                    make_form=importer.make_form,
                    ignored=self.get_csv_import_ignored(request),
                    max_bytes=self.csv_import_max_bytes,
                    max_rows=self.csv_import_max_rows,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            except RowErrors as exc:
                errors = exc.errors
            else:
                errors = importer.check(clean)
                if not errors and "check_only" in request.POST:
                    checked = len(clean)
                elif not errors:
                    try:
                        count = importer.save(clean, upload.name)
                    except RowErrors as exc:
                        errors = exc.errors
                    else:
                        self.message_user(request, self.csv_imported_message(count))
                        return redirect(f"admin:{self._url_name('changelist')}")
        return self.csv_import_response(
            request, form=form, columns=importer.columns, errors=errors, checked=checked
        )

    def csv_import_response(
        self,
        request: HttpRequest,
        *,
        form: CsvUploadForm,
        columns: Sequence[ImportColumn],
        errors: Sequence[RowError] = (),
        checked: int | None = None,
        template: str = "admin/prm/csv_import.html",
        **extra: Any,
    ) -> TemplateResponse:
        """The import page: the columns, the upload form, the errors by row, or how many rows a
        check found good (`checked`). `template` may extend the standard one with `extra`."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(things)s from a CSV file")
            % {"things": self.opts.verbose_name_plural},
            "opts": self.opts,
            "form": form,
            "columns": columns,
            "skipped": unread_headings(self.get_csv_import_ignored(request), columns),
            "max_rows": self.csv_import_max_rows,
            "max_megabytes": f"{self.csv_import_max_bytes / 2**20:g}",
            "template_url": reverse(f"admin:{self._url_name('import_template')}"),
            "errors": errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "checked": checked,
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

    def csv_imported_message(self, count: int) -> str:
        return ngettext(
            "%(count)d %(thing)s imported.", "%(count)d %(things)s imported.", count
        ) % {
            "count": count,
            "thing": self.opts.verbose_name,
            "things": self.opts.verbose_name_plural,
        }
