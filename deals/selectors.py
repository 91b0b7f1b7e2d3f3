"""Reads about deal registrations and leads, narrowed to what a member may see.

Every read of a member's registrations or leads starts from `deals_for` / `leads_for`, so it
never reaches past what the member may see. What the partner portal shows (the list's search, a
registration's status history, the home card) names no other partner, deal or amount.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from prm.audit.selectors import audit_events_for
from prm.metrics.periods import Period
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from .models import (
    Deal,
    DealAttachment,
    DealComment,
    DealSettings,
    Lead,
    Product,
    ProtectedAccount,
    RejectReason,
    number_in,
)

#: what "open" means on the home card: still working towards a decision or a close
OPEN_STATUSES = (
    Deal.Status.DRAFT,
    Deal.Status.SUBMITTED,
    Deal.Status.INFO_REQUESTED,
    Deal.Status.APPROVED,
)


#: a later registration recorded as a conflict competes with the earlier one while it waits
COMPETING_STATUSES = (Deal.Status.SUBMITTED, Deal.Status.INFO_REQUESTED)


def deal_settings_for(tenant: Tenant) -> DealSettings:
    """The tenant's rules (a row with the defaults is created the first time it is asked for)."""
    found, _created = DealSettings.objects.get_or_create(tenant=tenant)
    return found


def deals_for(*, membership: Membership) -> QuerySet[Deal]:
    """The registrations a member may see: a rep their own, a partner admin their company's,
    vendor staff those of the partners they see (a CAM: the assigned ones)."""
    deals = Deal.objects.filter(tenant_id=membership.tenant_id).select_related(
        "partner", "owner__user"
    )
    if membership.partner_id is not None:
        deals = deals.filter(partner_id=membership.partner_id)
        if not membership.can("portal.deals.company"):
            deals = deals.filter(owner=membership)
        return deals
    if membership.can("partners.view_all"):
        return deals
    # A CAM: their partners' ids are read first (one small query) and given as values. Inside a
    # subquery PostgreSQL cannot tell how many registrations they hold, and for a CAM with ten
    # thousand waiting it sorted them all for one page of the queue (57 ms at M, see bench/)
    # instead of walking the decision-target index until the page is full (0.3 ms).
    ids = list(visible_partners(membership).values_list("pk", flat=True))
    return deals.filter(partner_id__in=ids)


def vendor_deals_for(*, membership: Membership) -> QuerySet[Deal]:
    """The registrations of `deals_for` that vendor staff work on: all but drafts (a draft is
    the partner's own until submitted)."""
    return deals_for(membership=membership).exclude(status=Deal.Status.DRAFT)


def deal_queue_for(*, membership: Membership) -> QuerySet[Deal]:
    """Registrations waiting for a vendor decision, most urgent (earliest due) first."""
    return (
        deals_for(membership=membership)
        .filter(status=Deal.Status.SUBMITTED)
        .order_by("sla_due_at", "id")
    )


def competing_with(deal: Deal) -> QuerySet[Deal]:
    """The later registrations recorded as a conflict with `deal` (they named its customer
    while it held it) that still wait for a decision, first submitted first. Whose they are is
    for vendor staff only: the partner is told that they exist, never whose they are."""
    return (
        Deal.objects.filter(
            tenant_id=deal.tenant_id,
            conflict_with=deal,
            holds_claim=False,
            status__in=COMPETING_STATUSES,
        )
        .select_related("partner")
        .order_by("submitted_at", "id")
    )


def contested_by_later() -> Exists:
    """Whether a later registration recorded as a conflict with the row still competes for its
    customer (an annotation; built per request: a scoped manager needs the tenant's scope)."""
    return Exists(
        Deal.objects.filter(
            conflict_with=OuterRef("pk"), holds_claim=False, status__in=COMPETING_STATUSES
        )
    )


def leads_for(*, membership: Membership) -> QuerySet[Lead]:
    """Leads a member may see: a partner user those assigned to their company; vendor staff
    the queue and the leads of the partners they see."""
    leads = Lead.objects.filter(tenant_id=membership.tenant_id).select_related("partner", "deal")
    if membership.partner_id is not None:
        return leads.filter(partner_id=membership.partner_id)
    if membership.can("partners.view_all"):
        return leads
    return leads.filter(Q(partner__isnull=True) | Q(partner__in=visible_partners(membership)))


def protected_accounts_for(*, membership: Membership) -> QuerySet[ProtectedAccount]:
    """The tenant's protected accounts, for vendor staff who manage deal registration (nobody
    else sees the vendor's direct accounts and customers)."""
    accounts = ProtectedAccount.objects.filter(tenant_id=membership.tenant_id)
    if membership.is_partner_user or not membership.can("deals.manage"):
        return accounts.none()
    return accounts


def reject_reasons_for(tenant: Tenant) -> QuerySet[RejectReason]:
    return RejectReason.objects.filter(tenant=tenant, is_active=True)


def won_deals(
    *, tenant: Tenant, period: Period, partner_ids: list[int] | None = None
) -> QuerySet[Deal]:
    """Deals won (closed) in the period, with the partner they are credited to.

    The service other apps call for what partners sold (commissions, reporting).
    """
    deals = Deal.objects.filter(
        tenant=tenant,
        status=Deal.Status.WON,
        closed_on__gte=period.start,
        closed_on__lte=period.end,
    ).select_related("partner")
    if partner_ids is not None:
        deals = deals.filter(partner_id__in=partner_ids)
    return deals


def status_counts(deals: QuerySet[Deal]) -> dict[str, int]:
    """How many of `deals` are in each status (one query)."""
    rows = deals.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def pipeline_by_currency(deals: QuerySet[Deal]) -> dict[str, Decimal]:
    """Open amounts per currency (never summed across currencies)."""
    rows = (
        deals.filter(status__in=[Deal.Status.SUBMITTED, Deal.Status.APPROVED])
        .order_by()
        .values("currency")
        .annotate(total=Sum("amount"))
    )
    return {row["currency"]: row["total"] for row in rows}


def expiring_before(*, tenant: Tenant, moment: datetime) -> QuerySet[Deal]:
    return Deal.objects.filter(
        tenant=tenant, status=Deal.Status.APPROVED, expires_at__lte=moment
    ).select_related("partner")


def products_offered(tenant: Tenant) -> QuerySet[Product]:
    """The products a partner may register a deal for."""
    return Product.objects.filter(tenant=tenant, is_active=True).order_by("name")


def deals_matching(*, membership: Membership, q: str = "") -> QuerySet[Deal]:
    """The member's deals whose customer matches the list's search, or the one a reference
    ("DR-000042") names."""
    deals = deals_for(membership=membership)
    if q:
        number = number_in(q)
        deals = deals.filter(number=number) if number else deals.filter(customer_name__icontains=q)
    return deals


@dataclass(frozen=True)
class DealListQuery:
    """What the partner's deal list is asked for: status tab, search, submitted dates, expiring
    soon, and the sort (`LIST_SORTS`, "-" first for descending; "" newest first)."""

    status: str = ""
    q: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    expiring: bool = False
    sort: str = ""

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string's values (none of the defaults), with `changes` applied."""
        values = {
            "status": self.status,
            "q": self.q,
            "submitted_from": self.submitted_from.isoformat() if self.submitted_from else "",
            "submitted_to": self.submitted_to.isoformat() if self.submitted_to else "",
            "expiring": "1" if self.expiring else "",
            "sort": self.sort,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    @property
    def narrowed(self) -> bool:
        """Whether anything but the status tab and the sort narrows the list."""
        return bool(self.q or self.submitted_from or self.submitted_to or self.expiring)


#: the lifecycle order the status column sorts by (not the alphabet of the stored values)
_STATUS_ORDER = [
    Deal.Status.DRAFT,
    Deal.Status.SUBMITTED,
    Deal.Status.INFO_REQUESTED,
    Deal.Status.APPROVED,
    Deal.Status.WON,
    Deal.Status.LOST,
    Deal.Status.REJECTED,
    Deal.Status.WITHDRAWN,
    Deal.Status.EXPIRED,
]

#: the columns the partner's list sorts by: the query's name -> the expression it orders by
LIST_SORTS = ("customer", "amount", "submitted", "status", "protection")


def _sort_key(name: str) -> Any:
    if name == "customer":
        return F("customer_name")
    if name == "amount":
        return F("amount")
    if name == "submitted":
        return F("submitted_at")
    if name == "status":
        return Case(
            *(When(status=s, then=Value(i)) for i, s in enumerate(_STATUS_ORDER)),
            output_field=IntegerField(),
        )
    # "protection": when an approved registration's protection ends; the others have none
    return Case(When(status=Deal.Status.APPROVED, then=F("expires_at")))


def deal_list_order(sort: str) -> list[Any]:
    """The ORDER BY of the partner's list for `sort` ("customer", "-amount", ...; anything else
    is newest first). Rows without the value (a draft's submission) go last either way; the
    newest first breaks ties, so that pages never overlap."""
    name = sort.removeprefix("-")
    if name not in LIST_SORTS:
        return ["-created_at", "-id"]
    key = _sort_key(name)
    first = key.desc(nulls_last=True) if sort.startswith("-") else key.asc(nulls_last=True)
    return [first, "-created_at", "-id"]


def _day_start(day: date) -> datetime:
    """The first moment of `day` in the active time zone (the program's on its pages)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def deals_listed(*, membership: Membership, query: DealListQuery) -> QuerySet[Deal]:
    """The member's registrations as the list's search and filters narrow them (all statuses:
    the caller counts them per status tab, then applies `query.status`).

    Submitted dates are whole days in the active time zone, both ends included. "Expiring
    soon" means what the expiry warning means (`deals_warn_expiring`): approved, and the
    protection ends within the tenant's `expiry_warning_days`.
    """
    deals = deals_matching(membership=membership, q=query.q)
    if query.submitted_from:
        deals = deals.filter(submitted_at__gte=_day_start(query.submitted_from))
    if query.submitted_to:
        deals = deals.filter(submitted_at__lt=_day_start(query.submitted_to + timedelta(days=1)))
    if query.expiring:
        deals = expiring_soon(deals, tenant_id=membership.tenant_id)
    return deals


def expiring_soon(deals: QuerySet[Deal], *, tenant_id: int) -> QuerySet[Deal]:
    """Those of `deals` whose protection ends within the tenant's expiry warning window."""
    return deals.filter(expiring_within_warning(tenant_id=tenant_id, now=timezone.now()))


def warning_days(*, tenant_id: int) -> Coalesce:
    """The tenant's `expiry_warning_days` as an expression, read in the query that uses it (the
    field's default when the tenant has no settings row yet)."""
    field = DealSettings._meta.get_field("expiry_warning_days")
    return Coalesce(
        Subquery(
            DealSettings.objects.filter(tenant_id=tenant_id).values("expiry_warning_days")[:1],
            output_field=IntegerField(),
        ),
        Value(field.default),
    )


def expiring_within_warning(*, tenant_id: int, now: datetime) -> Q:
    """Approved, and the protection ends after `now` within the tenant's `expiry_warning_days`
    (read in the same query from the settings row; the field's default when there is none):
    what the expiry warning (`deals_warn_expiring`) tells partners about, so the list's
    "expiring soon" and the home page's count agree with the warning."""
    days = warning_days(tenant_id=tenant_id)
    end = ExpressionWrapper(
        Value(now, output_field=DateTimeField()) + days * Value(timedelta(days=1)),
        output_field=DateTimeField(),
    )
    return Q(status=Deal.Status.APPROVED, expires_at__gt=now, expires_at__lte=end)


def attachments_of(deal: Deal) -> QuerySet[DealAttachment]:
    """The registration's files, the first attached first, with who attached them."""
    return (
        DealAttachment.objects.filter(tenant_id=deal.tenant_id, deal=deal)
        .select_related("uploaded_by__user")
        .order_by("created_at", "id")
    )


def comments_of(deal: Deal) -> QuerySet[DealComment]:
    """The registration's thread, newest last, with who wrote each comment."""
    return (
        DealComment.objects.filter(tenant_id=deal.tenant_id, deal=deal)
        .select_related("author__user", "author__partner")
        .order_by("created_at", "id")
    )


def may_see(membership: Membership, deal: Deal | None) -> bool:
    return deal is not None and deals_for(membership=membership).filter(pk=deal.pk).exists()


@dataclass(frozen=True)
class StatusChange:
    at: Any
    actor: str
    before: str
    after: str
    reason: str


def timeline(deal: Deal) -> list[StatusChange]:
    """The registration's status changes, newest first (only statuses and reasons: what the
    audit trail records beside them, such as the deal it conflicted with, is for the vendor)."""
    labels = dict(Deal.Status.choices)
    changes = []
    for event in audit_events_for(tenant=deal.tenant, obj=deal, limit=200):
        if not event.action.startswith("deals.deal."):
            continue
        before, after = event.before.get("status"), event.after.get("status")
        if not after or before == after:
            continue
        actor = ""
        if event.actor is not None:
            actor = event.actor.get_full_name() or event.actor.email
        changes.append(
            StatusChange(
                at=event.created_at,
                actor=actor,
                before=str(labels.get(before, before or "")),
                after=str(labels.get(after, after)),
                reason=event.reason,
            )
        )
    return changes


#: how many unanswered leads the home card lists by name (the rest are counted)
HOME_LEADS = 3


@dataclass(frozen=True)
class HomeSummary:
    open: int
    info_requested: int
    expiring: int
    #: the window "expiring" counts in: the tenant's expiry warning, in days
    warning_days: int
    #: registrations waiting for a decision past their decision target
    overdue: int
    #: leads assigned to the company and not answered yet, opened or not
    unanswered: int
    #: the first HOME_LEADS of them, the earliest deadline first
    leads: list[Lead]
    now: datetime
    #: the registration each statement is about when it counts exactly one (the page links to
    #: it; several link to the list filtered by their status)
    info_requested_id: int | None = None
    expiring_id: int | None = None
    overdue_id: int | None = None

    @property
    def attention(self) -> int:
        return self.info_requested + self.expiring

    @property
    def more_leads(self) -> int:
        return self.unanswered - len(self.leads)


def _count(queryset: QuerySet[Any]) -> Subquery:
    """`SELECT COUNT(id) FROM ... WHERE ...` as a scalar subquery (no GROUP BY: COUNT as a plain
    function is not an aggregate to Django)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def _first_id(queryset: QuerySet[Any], field: str) -> Subquery:
    """The id of the row of `queryset` first by `field`, as a scalar subquery."""
    return Subquery(queryset.order_by(field, "id").values("id")[:1], output_field=IntegerField())


def unanswered_leads(membership: Membership) -> QuerySet[Lead]:
    """The company's leads waiting for its answer (opened or not), the earliest deadline first:
    a lead stays here until the company accepts or declines it (or its time runs out)."""
    return (
        leads_for(membership=membership)
        .filter(status=Lead.Status.ASSIGNED)
        .order_by(F("respond_by").asc(nulls_last=True), "id")
    )


#: the home card's figures, read in one query
SUMMARY_FIELDS: tuple[str, ...] = ("open", "info", "expiring", "overdue", "unanswered")
SUMMARY_FIELDS += ("info_id", "expiring_id", "overdue_id", "warning_days")


def home_summary(membership: Membership) -> HomeSummary:
    """The member's open registrations, those waiting for them or overdue at the vendor, and the
    company's unanswered leads with the first few by deadline (two queries: the home page
    carries many cards)."""
    now = timezone.now()
    deals = deals_for(membership=membership)
    leads = unanswered_leads(membership)
    info = deals.filter(status=Deal.Status.INFO_REQUESTED)
    # the registrations the expiry warning is about (the tenant's warning window)
    expiring = deals.filter(expiring_within_warning(tenant_id=membership.tenant_id, now=now))
    overdue = deals.filter(status=Deal.Status.SUBMITTED, sla_due_at__lte=now)
    row = (
        Tenant.objects.filter(pk=membership.tenant_id)
        .annotate(
            open=_count(deals.filter(status__in=OPEN_STATUSES)),
            info=_count(info),
            expiring=_count(expiring),
            overdue=_count(overdue),
            unanswered=_count(leads),
            info_id=_first_id(info, "decided_at"),
            expiring_id=_first_id(expiring, "expires_at"),
            overdue_id=_first_id(overdue, "sla_due_at"),
            warning_days=warning_days(tenant_id=membership.tenant_id),
        )
        .values(*SUMMARY_FIELDS)
        .get()
    )
    first = list(leads.select_related(None)[:HOME_LEADS]) if row["unanswered"] else []
    return HomeSummary(
        open=row["open"],
        info_requested=row["info"],
        expiring=row["expiring"],
        warning_days=row["warning_days"],
        overdue=row["overdue"],
        unanswered=row["unanswered"],
        leads=first,
        now=now,
        info_requested_id=row["info_id"],
        expiring_id=row["expiring_id"],
        overdue_id=row["overdue_id"],
    )
