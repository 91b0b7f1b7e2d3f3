"""Protected accounts in the vendor admin UI: the list, one account's form, the CSV import."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prm.csvio.admin import CsvExportMixin, CsvImportMixin
from prm.csvio.importing import CsvImporter
from prm.tenancy.admin_sites import TenantModelAdmin, tenant_admin_site
from prm.tenancy.requests import membership_of, tenant_of

from ..imports import (
    ImportPlan,
    account_normalise,
    clean_company,
    clean_domain,
    protected_account_importer,
)
from ..models import ProtectedAccount


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

    def get_csv_importer(self, request: HttpRequest) -> CsvImporter:
        plan = ImportPlan()
        request._deals_import_plan = plan  # type: ignore[attr-defined]
        return protected_account_importer(
            actor=membership_of(request), ip=request.META.get("REMOTE_ADDR"), plan=plan
        )

    def csv_import_view(self, request: HttpRequest) -> HttpResponse:
        response = super().csv_import_view(request)
        plan = getattr(request, "_deals_import_plan", None)
        if response.status_code == 302 and plan is not None:
            created, updated = len(plan.created), len(plan.updated)
            self.message_user(
                request,
                ngettext("%(n)d new account", "%(n)d new accounts", created) % {"n": created}
                + ", "
                + ngettext("%(n)d updated", "%(n)d updated", updated) % {"n": updated}
                + ".",
            )
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            if response.context_data.get("checked") is not None and plan is not None:
                response.context_data["plan"] = plan
            response.template_name = "admin/deals/protectedaccount/csv_import.html"
        return response
