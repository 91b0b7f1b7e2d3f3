"""Deal registrations in the vendor admin UI: the CAM's queue and the read-only decision screen.

The list opens on the registrations waiting for a decision, the most urgent (earliest decision
target) first; the other statuses list newest first. A CAM sees only the registrations of the
partners assigned to them (`vendor_deals_for`), in the list, its filters, its export and every
object URL. Deciding happens on pages of their own (`decide`, mounted by `urls`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.csvio.admin import CsvExportMixin
from prm.dates import format_day, format_moment
from prm.money import format_money
from prm.pagination import DeferredJoinPaginator
from prm.sla import hours_text, sla_state, waiting_text
from prm.tenancy.partner_access import VisiblePartnerFilter
from prm.tenancy.requests import membership_of
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site
from prm.workspace.ui import badge

from ..forms import CommentForm
from ..models import Deal, DealMatch, Lead, number_in
from ..selectors import contested_by_later, vendor_deals_for
from .common import Badge
from .filters import (
    ALL,
    WAITING,
    DealStatusFilter,
    ExtensionFilter,
    MatchFilter,
    OverdueFilter,
)
from .screen import decision_context


def match_count() -> Coalesce:
    """How many candidate matches each registration has (a subquery: no query per row). Built
    per request: a scoped manager refuses to build queries outside a tenant scope."""
    per_deal = (
        DealMatch.objects.filter(deal=OuterRef("pk"))
        .order_by()
        .values("deal")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(per_deal, output_field=IntegerField()), 0)


#: the decision screen's sections (every field of the registration, read-only)
FIELDSETS: list[Any] = [
    (None, {"fields": ["reference", "status_badge", "partner", "registered_by", "created_at"]}),
    (
        gettext_lazy("Customer"),
        {
            "fields": [
                "customer_name",
                "customer_website",
                "customer_domain",
                "country",
                "contact_name",
                "contact_email",
                "contact_role",
            ]
        },
    ),
    (
        gettext_lazy("Opportunity"),
        {
            "fields": [
                "product_names",
                "amount_text",
                "expected_close_on",
                "deal_type",
                "notes",
                "lead_link",
            ]
        },
    ),
    (
        gettext_lazy("Decision"),
        {
            "fields": [
                "submitted_at",
                "clock",
                "decided_at",
                "decided_by",
                "decision_time",
                "reject_reason",
                "decision_note",
                "approved_at",
                "expires_at",
            ]
        },
    ),
    (gettext_lazy("Closing"), {"fields": ["won_amount_text", "closed_on", "lost_reason"]}),
]


@admin.register(Deal, site=tenant_admin_site)
class DealAdmin(CsvExportMixin, TenantModelAdmin):
    """No add, change or delete here: partners register in the portal, CAMs decide."""

    capabilities = {"view": "deals.view", "export": "deals.view"}
    # The columns, as sortable headers: the queue's own template renders the rows (`QueueRow`),
    # the key columns (status, decision target, conflict) right after the registration.
    list_display = [
        "customer_name",
        "status",
        "sla_due_at",
        "conflict_text",
        "partner",
        "amount",
        "submitted_at",
    ]
    list_display_links = None
    list_filter = [
        DealStatusFilter,
        VisiblePartnerFilter,
        MatchFilter,
        OverdueFilter,
        ExtensionFilter,
    ]
    list_select_related = ["partner", "tenant"]
    search_fields = [
        "customer_name",
        "customer_domain",
        "customer_website",
        "contact_email",
        "contact_name",
    ]
    search_help_text = gettext_lazy(
        "Customer name, domain, contact email or name, or a reference such as DR-000042."
    )
    list_per_page = 50
    # Page keys first, then the page's rows (prm/pagination.py); and no second count of every
    # registration the member sees beside the filtered one: both cost more than the page.
    paginator = DeferredJoinPaginator
    show_full_result_count = False
    csv_columns = [
        "reference",
        "customer_name",
        "customer_domain",
        "country",
        "partner",
        "contact_name",
        "contact_email",
        "amount",
        "currency",
        "expected_close_on",
        "deal_type",
        "status",
        "submitted_at",
        "sla_due_at",
        "conflict_text",
        "match_count",
        "decided_at",
        "decision_hours",
        "reject_reason",
        "expires_at",
        "won_amount",
        "closed_on",
    ]
    fieldsets = FIELDSETS
    readonly_fields = [f for _name, options in FIELDSETS for f in options["fields"]]
    change_list_template = "admin/deals/deal/change_list.html"
    change_form_template = "admin/deals/deal/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deal]:
        return (
            vendor_deals_for(membership=membership_of(request))
            .select_related("reject_reason", "decided_by")
            .annotate(match_count=match_count(), contested=contested_by_later())
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        if request.GET.get("status", WAITING) == WAITING:
            return ["sla_due_at", "id"]  # the most urgent first
        # Newest first; a registration withdrawn before it was ever submitted goes last.
        return [F("submitted_at").desc(nulls_last=True), "-id"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Deal], search_term: str
    ) -> tuple[QuerySet[Deal], bool]:
        number = number_in(search_term)
        if number is not None:
            return queryset.filter(number=number), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        status = request.GET.get("status", WAITING)
        title = (
            _("Registrations waiting for a decision")
            if status == WAITING
            else _("Deal registrations")
        )
        extra = {"title": title, "is_queue": status == WAITING, "all_status": ALL}
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context is not None and isinstance(context.get("cl"), ChangeList):
            context.update(queue_page(request, context["cl"]))
        return response

    @admin.display(description=gettext_lazy("amount"))
    def amount_text(self, obj: Deal) -> str:
        return format_money(obj.amount, obj.currency)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: Deal) -> str:
        return badge(f"status-{obj.status}", obj.get_status_display())

    # The export (plain text)

    @admin.display(description=gettext_lazy("reference"))
    def reference(self, obj: Deal) -> str:
        return obj.reference

    @admin.display(description=gettext_lazy("conflict"), ordering="match_count")
    def conflict_text(self, obj: Deal) -> str:
        if obj.is_conflict:
            return _("conflict")
        if obj.contested:  # type: ignore[attr-defined]
            return _("contested by a later registration")
        return _("possible match") if obj.match_count else ""  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("candidate matches"))
    def match_count(self, obj: Deal) -> int:
        return obj.match_count  # type: ignore[attr-defined]

    # The decision screen

    @admin.display(description=gettext_lazy("registered by"))
    def registered_by(self, obj: Deal) -> str:
        user = obj.owner.user
        return f"{user.get_full_name()} <{user.email}>" if user.get_full_name() else user.email

    @admin.display(description=gettext_lazy("products"))
    def product_names(self, obj: Deal) -> str:
        return ", ".join(p.name for p in obj.products.all()) or "—"

    @admin.display(description=gettext_lazy("final amount"))
    def won_amount_text(self, obj: Deal) -> str:
        return format_money(obj.won_amount, obj.currency)

    @admin.display(description=gettext_lazy("from lead"))
    def lead_link(self, obj: Deal) -> str:
        try:
            lead = obj.lead
        except Lead.DoesNotExist:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:deals_lead_change", args=[lead.pk]), lead
        )

    @admin.display(description=gettext_lazy("decision clock"))
    def clock(self, obj: Deal) -> str:
        if obj.status == Deal.Status.SUBMITTED and obj.sla_due_at is not None:
            kind, text = sla_state(obj.sla_due_at, timezone.get_current_timezone_name())
            return format_html(
                "{} · {}",
                badge(kind, text, moment_title(obj)),
                _("waiting %(time)s, due %(due)s")
                % {"time": waiting_text(obj.submitted_at), "due": moment_title(obj)},
            )
        if obj.status == Deal.Status.INFO_REQUESTED:
            return _("Stopped: waiting for the partner's answer. It starts again on resubmission.")
        return "—"

    @admin.display(description=gettext_lazy("time to decide"))
    def decision_time(self, obj: Deal) -> str:
        if obj.decision_hours is None:
            return "—"
        return _("%(hours)s of business hours") % {"hours": hours_text(obj.decision_hours)}

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        closed = obj is not None and obj.status in (Deal.Status.WON, Deal.Status.LOST)
        return FIELDSETS if closed else FIELDSETS[:-1]

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = kwargs.get("obj")
        if obj is not None and obj.pk:
            context.update(decision_context(request, obj))
            # a comment the thread's form refused comes back with its errors (exchange.py)
            context.setdefault("comment_form", CommentForm())
        return super().render_change_form(request, context, *args, **kwargs)


# The list's rows


#: header texts where the column's field name says less than the column shows
HEADERS = {
    "customer_name": gettext_lazy("registration"),
    "sla_due_at": gettext_lazy("decision target"),
    "partner": gettext_lazy("partner"),
}


@dataclass(frozen=True)
class QueueRow:
    """One registration of the list, everything it shows already worked out as text: the
    template only places it (fifty rows of lookups through the model cost more than the
    database's part of the page)."""

    pk: int
    url: str
    reference: str
    customer: str
    domain: str
    status: str
    status_label: str
    target: Badge | None  # the decision clock of one waiting for a decision
    decided: str  # else how long its decision took
    conflict: Badge | None
    partner: str
    amount: str
    submitted: str  # the day
    submitted_at: str  # the moment, for <time datetime>
    waiting: str


def queue_page(request: HttpRequest, cl: ChangeList) -> dict[str, Any]:
    """What the queue's template shows besides Django's changelist: the column headers (sortable
    as the admin's are), the rows, and whether filters or a search narrow the list."""
    headers: list[dict[str, Any]] = list(result_headers(cl))
    for header, name in zip(headers, cl.list_display, strict=True):
        header["text"] = HEADERS.get(str(name), header["text"])
    page = _PageFacts(
        now=timezone.now(),
        zone=timezone.get_current_timezone_name(),
        labels={value: str(label) for value, label in Deal.Status.choices},
        link={"preserved_filters": cl.preserved_filters, "opts": cl.opts},
    )
    narrowed = bool(cl.query) or any(name not in ("status", "p", "o") for name in request.GET)
    return {
        "queue_headers": headers,
        "queue_rows": [page.row(deal) for deal in cl.result_list],
        "queue_narrowed": narrowed,
    }


@dataclass
class _PageFacts:
    """What every row of one page shares, worked out once."""

    now: datetime
    zone: str
    labels: dict[str, str]
    link: dict[str, Any]
    days: dict[Any, str] = field(default_factory=dict)

    def day(self, moment: datetime) -> str:
        day = timezone.localtime(moment).date()
        if day not in self.days:  # many rows share a day
            self.days[day] = format_day(day)
        return self.days[day]

    def row(self, deal: Deal) -> QueueRow:
        target = None
        if deal.status == Deal.Status.SUBMITTED and deal.sla_due_at is not None:
            kind, text = sla_state(deal.sla_due_at, self.zone, self.now)
            title = _("due %(moment)s") % {"moment": format_moment(deal.sla_due_at)}
            target = Badge(kind, text, title)
        decided = ""
        if target is None and deal.decision_hours is not None:
            decided = _("decided in %(hours)s") % {"hours": hours_text(deal.decision_hours)}
        submitted = deal.submitted_at
        return QueueRow(
            pk=deal.pk,
            url=add_preserved_filters(
                self.link, reverse("admin:deals_deal_change", args=[deal.pk])
            ),
            reference=deal.reference,
            customer=deal.customer_name,
            domain=deal.customer_domain,
            status=deal.status,
            status_label=self.labels.get(deal.status, deal.status),
            target=target,
            decided=decided,
            conflict=conflict_badge(deal),
            partner=deal.partner.name,
            amount=format_money(deal.amount, deal.currency),
            submitted=self.day(submitted) if submitted else "—",
            submitted_at=submitted.isoformat() if submitted else "",
            waiting=(
                _("waiting %(time)s") % {"time": waiting_text(submitted, self.now)}
                if target and submitted
                else ""
            ),
        )


def conflict_badge(deal: Deal) -> Badge | None:
    """A registration's side of a conflict, or its candidate matches (the list's column)."""
    if deal.is_conflict:
        return Badge(
            "conflict",
            _("conflict"),
            _("Another registration held this customer when this one was submitted."),
        )
    if getattr(deal, "contested", False):
        return Badge(
            "conflict",
            _("contested"),
            _("A later registration by another partner names the same customer."),
        )
    count = getattr(deal, "match_count", 0)
    if count:
        return Badge(
            "warning",
            _("possible match"),
            _("%(n)d candidate match(es) to weigh") % {"n": count},
        )
    return None


def moment_title(obj: Deal) -> str:
    if obj.sla_due_at is None:
        return ""
    return format_moment(obj.sla_due_at)
