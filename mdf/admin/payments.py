"""Paying claims in the vendor admin UI (partner operations, `mdf.pay`): mark one approved claim
paid from its page, or gather the due claims of one currency in a payment batch, download its
CSV for accounts payable and load it back with the payment references and dates.

Every page resolves its objects through `mdf.access` (404 otherwise) and calls one service of
`mdf.services.payments`.
"""

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet, Sum
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
from prm.money import format_money
from prm.tenancy.decorators import requires
from prm.tenancy.requests import membership_of
from prm.uploads.handler import accepts_uploads
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, form_page

from ..models import Claim, PaymentBatch
from ..services import payments
from .claims import claim_decision_page
from .forms import BatchCreateForm, PaidForm


def batches_visible_to(request: HttpRequest) -> QuerySet[PaymentBatch]:
    """The tenant's payment batches (only partner operations and program leaders, who see every
    partner, pay claims)."""
    return PaymentBatch.objects.filter(tenant_id=membership_of(request).tenant_id)


@admin.register(PaymentBatch, site=tenant_admin_site)
class PaymentBatchAdmin(TenantModelAdmin):
    """The batches: the list, and a batch's page with its claims, its CSV and the upload of the
    paid file. Batches are made from the due claims (`batch_create`), never typed in."""

    capabilities = {"view": "mdf.pay"}
    list_display = ["number", "currency", "created_at", "settled_at"]
    list_display_links = None
    list_per_page = 50
    fields = ["reference_text"]
    readonly_fields = ["reference_text"]
    change_list_template = "admin/mdf/paymentbatch/change_list.html"
    change_form_template = "admin/mdf/paymentbatch/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaymentBatch]:
        return (
            batches_visible_to(request)
            .select_related("created_by")
            .annotate(claim_count=Count("claims"), total=Sum("claims__approved_amount"))
        )

    @admin.display(description=gettext_lazy("reference"))
    def reference_text(self, obj: PaymentBatch) -> str:
        return obj.reference

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        membership = membership_of(request)
        due = payments.due_claims(membership).filter(batch__isnull=True)
        due_by_currency = list(
            due.order_by("currency")
            .values("currency")
            .annotate(n=Count("id"), total=Sum("approved_amount"))
        )
        extra = {
            "title": _("Payment batches"),
            "due_lines": [
                ngettext(
                    "%(n)d claim of %(total)s due",
                    "%(n)d claims of %(total)s due",
                    row["n"],
                )
                % {"n": row["n"], "total": format_money(row["total"], row["currency"])}
                for row in due_by_currency
            ],
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            context["batch_rows"] = [
                {
                    "pk": b.pk,
                    "reference": b.reference,
                    "currency": b.currency,
                    "claims": b.claim_count,
                    "total": format_money(b.total, b.currency),
                    "created": format_day(timezone.localtime(b.created_at)),
                    "settled": format_day(timezone.localtime(b.settled_at)) if b.settled_at else "",
                }
                for b in context["cl"].result_list
            ]
        return response

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            claims = list(
                Claim.objects.filter(tenant_id=obj.tenant_id, batch=obj)
                .select_related("partner", "request")
                .order_by("partner__name", "number")
            )
            total = sum((c.approved_amount or Decimal(0) for c in claims), start=Decimal(0))
            context.update(
                {
                    "batch_claims": claims,
                    "batch_total": format_money(total, obj.currency) if claims else "",
                    "open_count": sum(1 for c in claims if c.status == Claim.Status.APPROVED),
                    "upload_form": CsvUploadForm(),
                }
            )
        return super().render_change_form(request, context, *args, **kwargs)


def _batch(request: HttpRequest, object_id: str) -> PaymentBatch:
    return get_object_or_404(batches_visible_to(request), pk=object_pk(object_id))


@requires("mdf.pay")
def pay(request: HttpRequest, object_id: str) -> HttpResponse:
    """Mark one approved claim paid, with the day and the payment reference."""
    return claim_decision_page(
        request,
        object_id,
        action="pay",
        form_class=PaidForm,
        decide=lambda actor, c, data: payments.claim_mark_paid(
            actor=actor, claim=c, paid_on=data["paid_on"], reference=data["reference"]
        ),
        title=_("Mark %(claim)s paid"),
        done=_("%(claim)s is paid; the partner sees the day and the reference."),
        template="pay",
        initial=lambda c: {"paid_on": timezone.localdate()},
        done_to="admin:mdf_paymentbatch_changelist",
    )


@requires("mdf.pay")
def batch_create(request: HttpRequest) -> HttpResponse:
    """Gather every due claim of one currency (not in a batch yet) in a new batch."""
    membership = membership_of(request)
    currencies = [(c, c) for c in payments.batch_currencies(membership)]
    if not currencies:
        return redirect("admin:mdf_paymentbatch_changelist")

    def on_valid(form: BatchCreateForm) -> Done:
        batch = payments.batch_create(actor=membership, currency=form.cleaned_data["currency"])
        return Done(
            _("%(batch)s gathers the due claims: download its CSV for accounts payable.")
            % {"batch": batch.reference},
            "admin:mdf_paymentbatch_change",
            [batch.pk],
        )

    return form_page(
        request,
        title=_("New payment batch"),
        template="admin/mdf/paymentbatch/create.html",
        opts=PaymentBatch._meta,
        form_class=BatchCreateForm,
        form_kwargs={"currencies": currencies, "initial": {"currency": currencies[0][0]}},
        on_valid=on_valid,
        context={"cancel_url": reverse("admin:mdf_paymentbatch_changelist")},
    )


@requires("mdf.pay")
def batch_csv(request: HttpRequest, object_id: str) -> HttpResponseBase:
    """The batch's CSV for accounts payable (formula-safe, `prm.csvio`)."""
    batch = _batch(request, object_id)
    return csv_response(
        filename=export_filename(batch.tenant.slug, f"payment-batch-{batch.reference}"),
        header=payments.EXPORT_HEADER,
        rows=payments.batch_lines(batch),
    )


@requires("mdf.pay")
@accepts_uploads(CsvUploadForm)
def batch_import(request: HttpRequest, object_id: str) -> HttpResponse:
    """Load the batch's CSV back with payment references and dates: all rows or none."""
    batch = _batch(request, object_id)
    return paid_file_page(
        request,
        batch=batch,
        load=lambda upload: payments.batch_import(
            actor=membership_of(request), batch=batch, upload=upload
        ),
        url_prefix="admin:mdf_paymentbatch",
        columns=payments.IMPORT_COLUMNS,
        intro=_(
            "Load the CSV of %(batch)s with the payment reference and the day paid filled in for "
            "each claim. Every row is checked first: if one is wrong (a claim not in the batch, "
            "one paid already, a missing value), nothing is marked paid and each problem is "
            "listed with its row."
        )
        % {"batch": batch.reference},
        submit_label=_("Mark the claims paid"),
        done=lambda count: (
            ngettext(
                "%(n)d claim of %(batch)s is marked paid.",
                "%(n)d claims of %(batch)s are marked paid.",
                count,
            )
            % {"n": count, "batch": batch.reference}
        ),
    )
