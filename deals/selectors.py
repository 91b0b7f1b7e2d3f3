"""Reads about deal registrations and leads, narrowed to what a member may see.

Every read of a member's registrations or leads starts from `deals_for` / `leads_for`, so it
never reaches past what the member may see. What the partner portal shows (the list's search, a
registration's status history, the home card) names no other partner, deal or amount.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from prm.audit.selectors import audit_events_for
from prm.metrics.periods import Period
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from .models import Deal, DealSettings, Lead, Product, RejectReason, number_in

#: an approved registration whose protection ends within this many days needs attention
EXPIRING_DAYS = 14
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
SUMMARY_FIELDS += ("info_id", "expiring_id", "overdue_id")


def home_summary(membership: Membership) -> HomeSummary:
    """The member's open registrations, those waiting for them or overdue at the vendor, and the
    company's unanswered leads with the first few by deadline (two queries: the home page
    carries many cards)."""
    now = timezone.now()
    soon = now + timedelta(days=EXPIRING_DAYS)
    deals = deals_for(membership=membership)
    leads = unanswered_leads(membership)
    info = deals.filter(status=Deal.Status.INFO_REQUESTED)
    expiring = deals.filter(status=Deal.Status.APPROVED, expires_at__lte=soon)
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
        )
        .values(*SUMMARY_FIELDS)
        .get()
    )
    first = list(leads.select_related(None)[:HOME_LEADS]) if row["unanswered"] else []
    return HomeSummary(
        open=row["open"],
        info_requested=row["info"],
        expiring=row["expiring"],
        overdue=row["overdue"],
        unanswered=row["unanswered"],
        leads=first,
        now=now,
        info_requested_id=row["info_id"],
        expiring_id=row["expiring_id"],
        overdue_id=row["overdue_id"],
    )
