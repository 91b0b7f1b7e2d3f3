"""Statements in the vendor admin UI (B): the list (period, partner, status, totals per
currency), a statement's page (its totals and its lines, a page at a time), approving one or
several (confirmed), marking one paid, its PDF and CSV, and closing a period.

A CAM sees the statements of the partners assigned to them (`statements_visible_to`), in the
list and at every object URL (404 otherwise). Every page declares its capability and calls one
service of `commissions.services.statements` or `.payouts`.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deals.admin.common import object_pk
from prm.dates import format_day
from prm.exchange.services import tenant_today
from prm.forms import Form
from prm.jobs.services import job_start
from prm.metrics.periods import Period
from prm.money import format_money
from prm.tenancy.decorators import requires
from prm.tenancy.partner_access import VisiblePartnerFilter
from prm.tenancy.requests import membership_of, posted
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, decision_page, form_page

from ..downloads import csv_of, pdf_response
from ..jobs import CLOSE_PERIOD, period_params
from ..models import Line, Statement
from ..services import payouts
from ..services import statements as service
from ..setup import commission_settings
from ..workflow import STATEMENTS

S = Statement.Status

STATUS_KIND: dict[str, str] = {
    S.DRAFT: "status-draft",
    S.APPROVED: "medium",
    S.PAID: "status-approved",
}


def status_badge(statement: Statement) -> Any:
    labels = dict(S.choices)
    return badge(STATUS_KIND.get(statement.status, "info"), labels.get(statement.status, ""))


class StatementStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(S.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in S.values:
            return queryset.filter(status=value)
        return queryset


class PeriodFilter(admin.SimpleListFilter):
    """The periods statements exist for, newest first (one query)."""

    title = gettext_lazy("period")
    parameter_name = "period"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        membership = membership_of(request)
        starts = (
            service.statements_visible_to(membership)
            .order_by("-period_start")
            .values_list("period_start", "period_end")
            .distinct()[:24]
        )
        return [
            (start.isoformat(), service.period_label(membership.tenant, Period(start, end)))
            for start, end in starts
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() is None:
            return queryset
        start = service.parse_day(self.value())
        return queryset.filter(period_start=start) if start else queryset


@dataclass(frozen=True)
class StatementRow:
    pk: int
    url: str
    reference: str
    partner: str
    period: str
    status: Any
    totals: list[str]
    paid: str


def statement_row(statement: Statement, tenant: Any) -> StatementRow:
    paid = ""
    if statement.status == S.PAID and statement.paid_on:
        paid = _("paid on %(day)s, reference %(ref)s") % {
            "day": format_day(statement.paid_on),
            "ref": statement.payment_reference,
        }
    elif statement.batch_id and statement.batch is not None:
        paid = _("in payout batch %(batch)s") % {"batch": statement.batch.reference}
    return StatementRow(
        pk=statement.pk,
        url=reverse("admin:commissions_statement_change", args=[statement.pk]),
        reference=statement.reference,
        partner=statement.partner.name,
        period=service.period_label(tenant, Period(statement.period_start, statement.period_end)),
        status=status_badge(statement),
        totals=[format_money(t.closing, t.currency) for t in statement.totals.all()],
        paid=paid,
    )


@admin.register(Statement, site=tenant_admin_site)
class StatementAdmin(TenantModelAdmin):
    """No add, change or delete: statements are drafted by closing a period, approved and paid
    on pages of their own."""

    capabilities = {"view": "commissions.view"}
    list_display = ["number", "partner", "period_end", "status"]
    list_display_links = None
    list_filter = [PeriodFilter, StatementStatusFilter, VisiblePartnerFilter]
    search_fields = ["partner__name", "payment_reference"]
    search_help_text = gettext_lazy("Partner name, payment reference, or a reference: CS-000042.")
    list_per_page = 50
    show_full_result_count = False
    actions = ["approve_selected"]
    fields = ["reference_text"]
    readonly_fields = ["reference_text"]
    change_list_template = "admin/commissions/statement/change_list.html"
    change_form_template = "admin/commissions/statement/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return (
            service.statements_visible_to(membership_of(request))
            .select_related("partner", "batch", "tenant")
            .prefetch_related("totals")
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return ["-period_end", "partner__name", "-id"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Statement], search_term: str
    ) -> tuple[QuerySet[Statement], bool]:
        number = payouts.statement_number(search_term)
        if number is not None:
            return queryset.filter(number=number), False
        return super().get_search_results(request, queryset, search_term)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return membership_of(request).can("commissions.approve")

    @admin.display(description=gettext_lazy("reference"))
    def reference_text(self, obj: Statement) -> str:
        return obj.reference

    @admin.action(description=gettext_lazy("Approve the selected drafts"), permissions=["approve"])
    def approve_selected(
        self, request: HttpRequest, queryset: QuerySet[Statement]
    ) -> HttpResponse | None:
        """Approve the selected drafts once the member confirms on a page listing them."""
        drafts = list(queryset.filter(status=S.DRAFT).order_by("partner__name", "id"))
        if not drafts:
            self.message_user(request, _("None of the selected statements is a draft."))
            return None
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/commissions/statement/approve_selected.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Approve %(n)d statements") % {"n": len(drafts)},
                    "opts": self.model._meta,
                    "drafts": [statement_row(s, membership_of(request).tenant) for s in drafts],
                    "skipped": queryset.count() - len(drafts),
                    "action_name": "approve_selected",
                    "selected": [s.pk for s in drafts],
                },
            )
        result = service.statements_approve(actor=membership_of(request), statements=drafts)
        if result.approved:
            self.message_user(
                request,
                ngettext(
                    "%(n)d statement is approved: its partner can read it.",
                    "%(n)d statements are approved: their partners can read them.",
                    len(result.approved),
                )
                % {"n": len(result.approved)},
            )
        for statement, why in result.refused:
            self.message_user(request, f"{statement.reference}: {why}", messages.WARNING)
        return None

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        membership = membership_of(request)
        extra = {
            "title": _("Commission statements"),
            "may_close": membership.can("commissions.approve"),
            "perms_pay": membership.can("commissions.pay"),
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context is not None and isinstance(context.get("cl"), ChangeList):
            cl = context["cl"]
            context["statement_rows"] = [
                statement_row(s, membership.tenant) for s in cl.result_list
            ]
            context["narrowed"] = bool(cl.query) or any(n not in ("p", "o") for n in request.GET)
        return response

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context.update(statement_context(request, obj))
        return super().render_change_form(request, context, *args, **kwargs)


def statement_summary(statement: Statement) -> dict[str, Any]:
    tenant = statement.tenant
    return {
        "statement": statement,
        "status_badge": status_badge(statement),
        "period": service.period_label(
            tenant, Period(statement.period_start, statement.period_end)
        ),
        "totals": list(statement.totals.all()),
        "cancel_url": reverse("admin:commissions_statement_change", args=[statement.pk]),
    }


def statement_context(request: HttpRequest, statement: Statement) -> dict[str, Any]:
    membership = membership_of(request)
    page = service.lines_page(statement, request.GET.get("after"))
    for line in page.lines:
        line.description = service.line_description(line)  # type: ignore[attr-defined]
    return {
        **statement_summary(statement),
        "lines_page": page,
        "line_count": service.statement_lines(statement).count(),
        "sources": dict(Line.Source.choices),
        "may_approve": membership.can("commissions.approve")
        and STATEMENTS.allowed(statement, "approve"),
        "may_pay": membership.can("commissions.pay") and STATEMENTS.allowed(statement, "pay"),
        "payable": payouts.payable_text(statement),
    }


def _statement(request: HttpRequest, object_id: str) -> Statement:
    found = service.statements_visible_to(membership_of(request))
    return get_object_or_404(
        found.select_related("partner", "tenant", "batch").prefetch_related("totals"),
        pk=object_pk(object_id),
    )


class ApproveForm(Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=gettext_lazy("Optional; kept in the statement's history."),
    )


class PaidForm(Form):
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        max_length=100,
        help_text=gettext_lazy("The reference of the transfer, as the partner will see it."),
    )


@requires("commissions.approve")
def approve(request: HttpRequest, object_id: str) -> HttpResponse:
    """Approve one draft statement (confirmed on its page)."""
    statement = _statement(request, object_id)
    return decision_page(
        request,
        statement,
        allowed=lambda: STATEMENTS.require(statement, "approve"),
        screen="admin:commissions_statement_change",
        form_class=ApproveForm,
        decide=lambda actor, data: service.statement_approve(
            actor=actor, statement=statement, note=data["note"]
        ),
        done=Done(
            _("%(statement)s is approved: the partner's admins can read and download it.")
            % {"statement": statement.reference},
            "admin:commissions_statement_change",
            [statement.pk],
        ),
        title=_("Approve %(statement)s") % {"statement": statement.reference},
        template="admin/commissions/statement/approve.html",
        context=statement_summary(statement),
    )


@requires("commissions.pay")
def pay(request: HttpRequest, object_id: str) -> HttpResponse:
    """Mark one approved statement paid, with the day and the payment reference."""
    statement = _statement(request, object_id)
    return decision_page(
        request,
        statement,
        allowed=lambda: STATEMENTS.require(statement, "pay"),
        screen="admin:commissions_statement_change",
        form_class=PaidForm,
        decide=lambda actor, data: payouts.statement_mark_paid(
            actor=actor,
            statement=statement,
            paid_on=data["paid_on"],
            reference=data["reference"],
        ),
        done=Done(
            _("%(statement)s is paid; the partner sees the day and the reference.")
            % {"statement": statement.reference},
            "admin:commissions_statement_change",
            [statement.pk],
        ),
        title=_("Mark %(statement)s paid") % {"statement": statement.reference},
        template="admin/commissions/statement/pay.html",
        form_kwargs={"initial": {"paid_on": tenant_today(statement.tenant)}},
        context={**statement_summary(statement), "payable": payouts.payable_text(statement)},
    )


@requires("commissions.view")
def pdf(request: HttpRequest, object_id: str) -> HttpResponse:
    return pdf_response(_statement(request, object_id))


@requires("commissions.view")
def csv(request: HttpRequest, object_id: str) -> HttpResponseBase:
    return csv_of(_statement(request, object_id))


class CloseForm(Form):
    """Which ended period to close (the last one by default)."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = periods


@requires("commissions.approve")
def close(request: HttpRequest) -> HttpResponse:
    """Close a statement period: pick an ended period (the last one by default), see how many
    partners and lines it will take, confirm; the statements are drafted for review."""
    membership = membership_of(request)
    tenant = membership.tenant
    settings = commission_settings(tenant)
    periods = service.ended_periods(settings, tenant_today(tenant))
    by_key = {p.start.isoformat(): p for p in periods}
    choices = [(key, service.period_label(tenant, p)) for key, p in by_key.items()]
    asked = request.GET.get("period") or (posted(request) or {}).get("period")
    period = by_key.get(asked or "", periods[0])

    def on_valid(form: CloseForm) -> Done:
        chosen = by_key[form.cleaned_data["period"]]
        service.check_ended(tenant, chosen)  # refused beside the field, before any job
        job = job_start(
            actor=membership,
            kind=CLOSE_PERIOD.name,
            params=period_params(chosen),
            label=_("Close the period %(period)s")
            % {"period": service.period_label(tenant, chosen)},
        )
        return Done(
            _(
                "Closing the period %(period)s: the statements are drafted in the background. "
                "Follow the progress here; then review and approve the drafts."
            )
            % {"period": service.period_label(tenant, chosen)},
            "admin:job",
            [job.pk],
        )

    return form_page(
        request,
        title=_("Close a statement period"),
        template="admin/commissions/statement/close.html",
        opts=Statement._meta,
        form_class=CloseForm,
        form_kwargs={"periods": choices, "initial": {"period": period.start.isoformat()}},
        on_valid=on_valid,
        context={
            "preview": service.period_preview(tenant=tenant, period=period),
            "period_text": service.period_label(tenant, period),
            "statement_period": settings.get_statement_period_display(),
            "auto_approve": settings.auto_approve,
            "cancel_url": reverse("admin:commissions_statement_changelist"),
        },
    )
