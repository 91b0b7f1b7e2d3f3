"""The commission ledger in the vendor admin UI: the lines (filters by partner, source, state,
currency, earned month), a line's trace (deal, version, how it was worked out, what it reverses
or what reversed it, its statement and payout, its disputes, its history), and partner
operations' actions: approve the due lines, reverse a line, post an adjustment.

A CAM sees the lines of the partners assigned to them (`lines_visible_to`), in the list and on
every object URL; actions need `commissions.approve` and call one service of
`commissions.services.adjustments`.
"""

from datetime import date, timedelta
from typing import Any

from babel.dates import format_skeleton
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from deals.admin.common import object_pk
from prm.dates import babel_locale
from prm.filters import parse_id
from prm.money import format_money
from prm.pagination import DeferredJoinPaginator
from prm.tenancy.decorators import requires
from prm.tenancy.partner_access import VisiblePartnerFilter, visible_partners
from prm.tenancy.requests import membership_of, tenant_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import Done, badge, form_page

from .. import ledger
from ..engine import explain
from ..models import DisputeMessage, Line
from ..services import adjustments
from .forms import AdjustmentForm, ConfirmForm, ReverseForm

L = Line.State

STATE_KIND: dict[str, str] = {
    L.PENDING: "status-pending",
    L.APPROVED: "medium",
    L.STATEMENT: "info",
    L.PAID: "high",
}


def format_month(day: date) -> str:
    """A month as people of the active language write it: "Dec 2026"."""
    return format_skeleton("yMMM", day, locale=babel_locale())


class EarnedMonthFilter(admin.SimpleListFilter):
    """The month a line was earned in (the last twelve months, newest first)."""

    title = gettext_lazy("earned in")
    parameter_name = "month"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        first = timezone.localdate().replace(day=1)
        months = []
        for _i in range(12):
            months.append((first.strftime("%Y-%m"), format_month(first)))
            first = (first - timedelta(days=1)).replace(day=1)
        return months

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            year, month = (int(p) for p in value.split("-"))
            start = date(year, month, 1)
        except ValueError:
            raise ValueError("not a month") from None
        end = date(year + (month == 12), month % 12 + 1, 1)
        return queryset.filter(earned_on__gte=start, earned_on__lt=end)


class CurrencyFilter(admin.SimpleListFilter):
    title = gettext_lazy("currency")
    parameter_name = "currency"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        tenant = tenant_of(request)
        found = {tenant.default_currency}
        found.update(
            Line.objects.filter(tenant=tenant)
            .order_by()
            .values_list("currency", flat=True)
            .distinct()[:20]
        )
        return [(c, c) for c in sorted(found)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(currency=self.value()) if self.value() else queryset


#: the lines `commissions.earned` counts (commissions/metrics.py, EARNED): deal commission and
#: the clawbacks of deal commission, not a clawback of a SPIF or a bonus
DEAL_COMMISSION = Q(source=Line.Source.DEAL) | Q(
    source=Line.Source.CLAWBACK, reverses__source=Line.Source.DEAL
)


class DealCommissionFilter(admin.SimpleListFilter):
    """Commission on deals net of its clawbacks: one choice, because the source filter takes one
    source and a clawback's own source says nothing of what it reverses."""

    title = gettext_lazy("commission on deals")
    parameter_name = "commission"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("deals", _("Deal commission and its clawbacks"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(DEAL_COMMISSION) if self.value() == "deals" else queryset


@admin.register(Line, site=tenant_admin_site)
class LineAdmin(TenantModelAdmin):
    """Read-only: lines are written by the ledger's services, never typed in."""

    capabilities = {"view": "commissions.view"}
    # the links from "commission paid" and "incentives paid" to their lines (commissions/metrics.py)
    related_lookups = ("statement__paid_on", "statement__status")
    changelist_title = gettext_lazy("Commission ledger")
    menu_position = 10
    list_display = [
        "line",
        "partner",
        "deal_link",
        "source",
        "amount_text",
        "earned_on",
        "statement_link",
        "state_badge",
    ]
    key_columns = ("state_badge",)
    list_display_links = None
    list_filter = [
        VisiblePartnerFilter,
        "source",
        DealCommissionFilter,
        "state",
        CurrencyFilter,
        EarnedMonthFilter,
    ]
    search_fields = ["partner__name"]
    search_help_text = gettext_lazy("Partner name, or a deal's reference: DR-000042.")
    list_per_page = 50
    paginator = DeferredJoinPaginator
    show_full_result_count = False
    fields = ["partner"]
    readonly_fields = ["partner"]
    change_list_template = "admin/commissions/line/change_list.html"
    change_form_template = "admin/commissions/line/change_form.html"

    actions = ["approve_selected"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        if not membership_of(request).can("commissions.approve"):
            return {}
        return super().get_actions(request)

    @admin.action(description=gettext_lazy("Approve the selected lines whose hold has ended"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Line]) -> HttpResponse:
        # The confirm page shows their count and totals before anything is approved.
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:500])
        return redirect(reverse("admin:commissions_lines_approve") + f"?ids={ids}")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Line]:
        return adjustments.lines_visible_to(membership_of(request)).select_related(
            "partner", "deal", "statement"
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Line], search_term: str
    ) -> tuple[QuerySet[Line], bool]:
        from deals.models import number_in

        number = number_in(search_term)
        if number is not None:
            return queryset.filter(deal__number=number), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=gettext_lazy("line"))
    def line(self, obj: Line) -> SafeString:
        return format_html(
            '<a href="{}">#{}</a>', reverse("admin:commissions_line_change", args=[obj.pk]), obj.pk
        )

    @admin.display(description=gettext_lazy("deal"))
    def deal_link(self, obj: Line) -> SafeString | str:
        if obj.deal is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:deals_deal_change", args=[obj.deal_id]),
            obj.deal.reference,
        )

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_text(self, obj: Line) -> str:
        return format_money(obj.amount, obj.currency)

    @admin.display(description=gettext_lazy("statement"))
    def statement_link(self, obj: Line) -> str:
        return obj.statement.reference if obj.statement is not None else "—"

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, obj: Line) -> SafeString:
        return badge(STATE_KIND.get(obj.state, "none"), obj.get_state_display())

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        membership = membership_of(request)
        extra = {
            "may_approve": membership.can("commissions.approve"),
            "filters_query": request.GET.urlencode(),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context.update(line_trace(request, obj))
        return super().render_change_form(request, context, *args, **kwargs)


def line_trace(request: HttpRequest, line: Line) -> dict[str, Any]:
    """The line's trace: where its money came from and where it went (a fixed number of
    queries)."""
    membership = membership_of(request)
    related = Line.objects.filter(tenant_id=line.tenant_id).select_related("statement")
    reversed_by = related.filter(reverses=line).first()
    reverses = related.filter(pk=line.reverses_id).first() if line.reverses_id else None
    disputes = list(line.disputes.select_related("raised_by__user").order_by("-pk"))
    messages = (
        list(
            DisputeMessage.objects.filter(
                tenant_id=line.tenant_id, dispute__in=[d.pk for d in disputes]
            )
            .select_related("author", "adjustment")
            .order_by("pk")
        )
        if disputes
        else []
    )
    return {
        "line": line,
        "explanation": explain(line.basis),
        "version": line.plan_version,
        "snapshot_type": line.partner_type,
        "snapshot_tier": line.tier,
        "reverses": reverses,
        "reversed_by": reversed_by,
        "statement": line.statement,
        "batch": line.statement.batch if line.statement is not None else None,
        "disputes": [(d, [m for m in messages if m.dispute_id == d.pk]) for d in disputes],
        "state_badge": badge(STATE_KIND.get(line.state, "none"), line.get_state_display()),
        "may_reverse": membership.can("commissions.approve")
        and line.reverses_id is None
        and reversed_by is None,
        "title": _("%(source)s #%(pk)s") % {"source": line.get_source_display(), "pk": line.pk},
        "subtitle": None,
    }


def _line(request: HttpRequest, pk: str) -> Line:
    return get_object_or_404(
        adjustments.lines_visible_to(membership_of(request)).select_related("partner", "deal"),
        pk=object_pk(str(pk)),
    )


def _filtered(request: HttpRequest) -> QuerySet[Line]:
    """The lines the ledger list shows with the request's filters (the same changelist)."""
    model_admin = tenant_admin_site.get_model_admin(Line)
    cl = model_admin.get_changelist_instance(request)
    return cl.get_queryset(request)


@requires("commissions.approve")
def lines_approve(request: HttpRequest) -> HttpResponse:
    """Approve the due lines (pending, hold ended) of the list's filter, or the ids chosen
    (`?ids=1,2`): a confirm page with their count and totals per currency."""
    membership = membership_of(request)
    ids_text = request.GET.get("ids", "")
    query = request.GET.copy()
    if ids_text:
        ids = [i for i in (parse_id(p) for p in ids_text.split(",")[:500]) if i is not None]
        chosen = adjustments.lines_visible_to(membership).filter(pk__in=ids)
    else:
        try:
            chosen = _filtered(request)
        except IncorrectLookupParameters:  # a refused filter value: nothing is chosen
            chosen = Line.objects.none()
    due = adjustments.due_lines(chosen)
    totals = ledger.totals_by_currency(due)
    count = due.count()
    back = reverse("admin:commissions_line_changelist") + (
        "?" + query.urlencode() if query and not ids_text else ""
    )

    def on_valid(form: ConfirmForm) -> Done:
        n = adjustments.lines_approve(actor=membership, lines=due)
        return Done(
            ngettext("%(n)d line is approved.", "%(n)d lines are approved.", n) % {"n": n},
            back,
        )

    return form_page(
        request,
        title=_("Approve the due lines"),
        template="admin/commissions/line/approve.html",
        opts=Line._meta,
        form_class=ConfirmForm,
        on_valid=on_valid,
        context={
            "count": count,
            "totals": [format_money(v, c) for c, v in sorted(totals.items())],
            "cancel_url": back,
        },
    )


@requires("commissions.approve")
def line_reverse(request: HttpRequest, pk: str) -> HttpResponse:
    """Reverse one line with a reason (confirmed)."""
    line = _line(request, pk)
    membership = membership_of(request)
    if (
        line.reverses_id is not None
        or Line.objects.filter(tenant_id=line.tenant_id, reverses=line).exists()
    ):
        return redirect("admin:commissions_line_change", line.pk)

    def on_valid(form: ReverseForm) -> Done:
        reversal = adjustments.line_reverse(
            actor=membership, line=line, reason=form.cleaned_data["reason"]
        )
        return Done(
            _("The line is reversed by %(amount)s.")
            % {"amount": format_money(reversal.amount, reversal.currency)},
            "admin:commissions_line_change",
            [reversal.pk],
        )

    return form_page(
        request,
        title=_("Reverse line #%(pk)s") % {"pk": line.pk},
        template="admin/commissions/line/reverse.html",
        obj=line,
        form_class=ReverseForm,
        on_valid=on_valid,
        context={
            "line": line,
            "amount": format_money(line.amount, line.currency),
            "clawback": line.state in (L.STATEMENT, L.PAID),
            "cancel_url": reverse("admin:commissions_line_change", args=[line.pk]),
        },
    )


@requires("commissions.approve")
def adjustment_add(request: HttpRequest) -> HttpResponse:
    """Post a manual adjustment to a partner's ledger, with its reason."""
    membership = membership_of(request)
    partners = visible_partners(membership).order_by("name")
    initial: dict[str, Any] = {"currency": membership.tenant.default_currency}
    chosen = parse_id(request.GET.get("partner", ""))
    if chosen is not None:
        initial["partner"] = partners.filter(pk=chosen).first()

    def on_valid(form: AdjustmentForm) -> Done:
        data = form.cleaned_data
        line = adjustments.adjustment_post(
            actor=membership,
            partner=data["partner"],
            amount=data["amount"],
            currency=data["currency"],
            reason=data["reason"],
            earned_on=data["earned_on"],
        )
        return Done(
            _("The adjustment of %(amount)s to %(partner)s is posted.")
            % {"amount": format_money(line.amount, line.currency), "partner": line.partner.name},
            "admin:commissions_line_change",
            [line.pk],
        )

    return form_page(
        request,
        title=_("Post an adjustment"),
        template="admin/commissions/line/adjustment.html",
        opts=Line._meta,
        form_class=AdjustmentForm,
        form_kwargs={"partners": partners, "initial": initial},
        on_valid=on_valid,
        context={"cancel_url": reverse("admin:commissions_line_changelist")},
    )
