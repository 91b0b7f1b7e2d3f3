"""Payout batches in the vendor admin UI (B; `commissions.pay`): gather the approved unpaid
statements of one currency in a batch, download its CSV for accounts payable and load it back
with the payment references and dates (the same flow as MDF's payment batches).

Every page resolves its objects through a selector (404 otherwise) and calls one service of
`commissions.services.payouts`.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deals.admin.common import object_pk
from prm.csvio.admin import CsvUploadForm
from prm.csvio.paid_file_page import paid_file_page
from prm.csvio.writing import csv_response, export_filename
from prm.dates import format_day
from prm.forms import Form
from prm.money import format_money
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.uploads.handler import accepts_uploads
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, form_page

from ..models import PayoutBatch, Statement
from ..services import payouts


def batches_visible_to(request: HttpRequest) -> QuerySet[PayoutBatch]:
    """The tenant's payout batches (only partner operations and program leaders, who see every
    partner, pay statements)."""
    return PayoutBatch.objects.filter(tenant_id=membership_of(request).tenant_id)


@admin.register(PayoutBatch, site=tenant_admin_site)
class PayoutBatchAdmin(TenantModelAdmin):
    """The batches: the list, and a batch's page with its statements, its CSV and the upload
    of the paid file. Batches are made from the due statements (`batch_create`)."""

    capabilities = {"view": "commissions.pay"}
    list_display = ["number", "currency", "created_at", "settled_at"]
    list_display_links = None
    list_per_page = 50
    fields = ["reference_text"]
    readonly_fields = ["reference_text"]
    change_list_template = "admin/commissions/payoutbatch/change_list.html"
    change_form_template = "admin/commissions/payoutbatch/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PayoutBatch]:
        return (
            batches_visible_to(request)
            .select_related("created_by")
            .annotate(statement_count=Count("statements"))
        )

    @admin.display(description=gettext_lazy("reference"))
    def reference_text(self, obj: PayoutBatch) -> str:
        return obj.reference

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        membership = membership_of(request)
        currencies = payouts.batch_currencies(membership)
        due = payouts.due_statements(membership).filter(batch__isnull=True).count()
        extra = {
            "title": _("Payout batches"),
            "due_count": due,
            "due_currencies": currencies,
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            batches = list(context["cl"].result_list)
            totals = payouts.batch_totals(batches)
            context["batch_rows"] = [
                {
                    "pk": b.pk,
                    "reference": b.reference,
                    "currency": b.currency,
                    "statements": b.statement_count,
                    "total": format_money(totals.get(b.pk, payouts.ZERO), b.currency),
                    "created": format_day(timezone.localtime(b.created_at)),
                    "settled": format_day(timezone.localtime(b.settled_at)) if b.settled_at else "",
                }
                for b in batches
            ]
        return response

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            statements = list(payouts.batch_statements(obj))
            rows = [(s, payouts.batch_amount(s, obj.currency)) for s in statements]
            total = sum((amount for _s, amount in rows), start=payouts.ZERO)
            context.update(
                {
                    "batch_rows": rows,
                    "batch_total": format_money(total, obj.currency) if rows else "",
                    "open_count": sum(
                        1 for s in statements if s.status == Statement.Status.APPROVED
                    ),
                }
            )
        return super().render_change_form(request, context, *args, **kwargs)


def _batch(request: HttpRequest, object_id: str) -> PayoutBatch:
    return get_object_or_404(batches_visible_to(request), pk=object_pk(object_id))


class BatchCreateForm(Form):
    """Which currency's due statements go into a new batch (the choices: currencies with
    some)."""

    currency = forms.ChoiceField(label=gettext_lazy("Currency"))

    def __init__(self, *args: Any, currencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = currencies


@requires("commissions.pay")
def batch_create(request: HttpRequest) -> HttpResponse:
    """Gather every due statement of one currency (not in a batch yet) in a new batch."""
    membership = membership_of(request)
    currencies = [(c, c) for c in payouts.batch_currencies(membership)]
    if not currencies:
        tenant_admin_site.get_model_admin(PayoutBatch).message_user(
            request, _("No approved statement waits for a payout batch.")
        )
        return redirect("admin:commissions_payoutbatch_changelist")

    def on_valid(form: BatchCreateForm) -> Done:
        batch, empty = payouts.batch_create(
            actor=membership, currency=form.cleaned_data["currency"]
        )
        text = _("%(batch)s gathers the due statements: download its CSV for accounts payable.") % {
            "batch": batch.reference
        }
        if empty:
            text += " " + ngettext(
                "%(n)d statement had nothing to pay (a closing balance of zero or below, carried "
                "to the next statement) and is marked paid.",
                "%(n)d statements had nothing to pay (a closing balance of zero or below, carried "
                "to the next statement) and are marked paid.",
                empty,
            ) % {"n": empty}
        return Done(text, "admin:commissions_payoutbatch_change", [batch.pk])

    return form_page(
        request,
        title=_("New payout batch"),
        template="admin/commissions/payoutbatch/create.html",
        opts=PayoutBatch._meta,
        form_class=BatchCreateForm,
        form_kwargs={"currencies": currencies, "initial": {"currency": currencies[0][0]}},
        on_valid=on_valid,
        context={
            "cancel_url": reverse("admin:commissions_payoutbatch_changelist"),
            "nothing_to_pay": payouts.nothing_to_pay(membership).count(),
        },
    )


@requires("commissions.pay")
def batch_csv(request: HttpRequest, object_id: str) -> HttpResponseBase:
    """The batch's CSV for accounts payable (formula-safe, `prm.csvio`)."""
    batch = _batch(request, object_id)
    return csv_response(
        filename=export_filename(batch.tenant.slug, f"payout-batch-{batch.reference}"),
        header=payouts.EXPORT_HEADER,
        rows=payouts.batch_lines(batch),
    )


@requires("commissions.pay")
@accepts_uploads(CsvUploadForm)
def batch_import(request: HttpRequest, object_id: str) -> HttpResponse:
    """Load the batch's CSV back with payment references and dates: all rows or none."""
    batch = _batch(request, object_id)
    return paid_file_page(
        request,
        batch=batch,
        load=lambda upload: payouts.batch_import(
            actor=membership_of(request), batch=batch, upload=upload
        ),
        url_prefix="admin:commissions_payoutbatch",
        columns=payouts.IMPORT_COLUMNS,
        intro=_(
            "Load the CSV of %(batch)s with the payment reference and the day paid filled in for "
            "each statement. Every row is checked first: if one is wrong (a statement not in the "
            "batch, one paid already, a missing value), nothing is marked paid and each problem "
            "is listed with its row."
        )
        % {"batch": batch.reference},
        submit_label=_("Mark the statements paid"),
        done=lambda count: (
            ngettext(
                "%(n)d statement of %(batch)s is marked paid.",
                "%(n)d statements of %(batch)s are marked paid.",
                count,
            )
            % {"n": count, "batch": batch.reference}
        ),
    )
