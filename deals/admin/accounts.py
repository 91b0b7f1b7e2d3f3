"""Protected accounts in the vendor admin UI: the list, one account's form, the CSV import.

The import's two pages are declared in `urls` (`protected_account_import` and its template);
the list's "Import CSV" button is `CsvImportMixin`'s.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.csvio.admin import CsvExportMixin, CsvImportMixin, CsvUploadForm
from prm.csvio.importing import RowError, RowErrors
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of, posted, tenant_of
from prm.uploads.handler import accepts_uploads
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from ..models import ProtectedAccount
from ..services import ImportPlan, protected_accounts_import
from ..services.protected_accounts import (
    COLUMNS,
    account_normalise,
    clean_company,
    clean_domain,
)


class ProtectedAccountForm(forms.ModelForm):
    """The domain is stored as its registrable part and is unique in the program."""

    class Meta:
        model = ProtectedAccount
        fields = ["name", "domain", "kind", "owner"]
        help_texts = {
            "domain": gettext_lazy(
                "The company's website or domain; stored as its registrable part (acme.com)."
            )
        }

    def __init__(self, *args: Any, tenant: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_name(self) -> str:
        return clean_company(self.cleaned_data["name"])

    def clean_domain(self) -> str:
        domain = clean_domain(self.cleaned_data["domain"])
        taken = ProtectedAccount.objects.filter(tenant=self.tenant, domain=domain)
        if domain and taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another protected account has the domain %(domain)s.") % {"domain": domain}
            )
        return domain


@admin.register(ProtectedAccount, site=tenant_admin_site)
class ProtectedAccountAdmin(CsvExportMixin, CsvImportMixin, TenantModelAdmin):
    capabilities = {
        "view": "deals.manage",
        "add": "deals.manage",
        "change": "deals.manage",
        "delete": "deals.manage",
        "export": "deals.manage",
        "import": "deals.manage",
    }
    form = ProtectedAccountForm
    list_display = ["name", "domain", "kind", "owner", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["name", "domain", "owner"]
    csv_columns = ["domain", "name", "owner", "kind"]
    csv_import_own_urls = True  # protected_account_import below, declared in urls
    change_list_template = "admin/deals/protectedaccount/change_list.html"

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        tenant = tenant_of(request)

        class TenantForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, tenant=tenant, **kw)

        return TenantForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        account_normalise(obj)
        super().save_model(request, obj, form, change)


# The import, with a preview of what it creates and updates


def _accounts_admin() -> ProtectedAccountAdmin:
    found = tenant_admin_site.get_model_admin(ProtectedAccount)
    assert isinstance(found, ProtectedAccountAdmin)
    return found


@requires("deals.manage")
@accepts_uploads(CsvUploadForm)
def protected_account_import(request: HttpRequest) -> HttpResponse:
    """Check a CRM file (what it would create and update) or import it, all rows or none."""
    accounts_admin = _accounts_admin()
    form = CsvUploadForm(posted(request), request.FILES if request.method == "POST" else None)
    errors: list[RowError] = []
    plan: ImportPlan | None = None
    if request.method == "POST" and form.is_valid():
        check_only = "check_only" in request.POST
        try:
            plan = protected_accounts_import(
                actor=membership_of(request),
                upload=form.cleaned_data["file"],
                ignored=accounts_admin.get_csv_import_ignored(request),
                check_only=check_only,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except RowErrors as exc:
            errors = exc.errors
        else:
            if not check_only:
                created, updated = len(plan.created), len(plan.updated)
                accounts_admin.message_user(request, accounts_admin.csv_imported_message(plan.rows))
                accounts_admin.message_user(
                    request,
                    ngettext("%(n)d new account", "%(n)d new accounts", created) % {"n": created}
                    + ", "
                    + ngettext("%(n)d updated", "%(n)d updated", updated) % {"n": updated}
                    + ".",
                )
                return redirect("admin:deals_protectedaccount_changelist")
    return accounts_admin.csv_import_response(
        request,
        form=form,
        columns=COLUMNS,
        errors=errors,
        checked=plan.rows if plan is not None else None,
        template="admin/deals/protectedaccount/csv_import.html",
        plan=plan,
    )


@requires("deals.manage")
def protected_account_import_template(request: HttpRequest) -> HttpResponseBase:
    """The empty file with the import's headings."""
    return _accounts_admin().csv_import_template_response(request, COLUMNS)
