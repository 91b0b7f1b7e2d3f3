"""What the partner portal reads about deals and leads, beyond the app's shared selectors.

Every read starts from `deals_for` / `leads_for`, so it never reaches past what the member may
see; the conflict verdict it shows is the partner's view of it (`conflicts.Verdict`), which names
no other partner, deal or amount.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.utils import timezone

from prm.audit.selectors import audit_events_for
from prm.tenancy.models import Membership, Tenant

from .models import Deal, Lead, Product
from .selectors import deals_for, leads_for

#: an approved registration whose protection ends within this many days needs attention
EXPIRING_DAYS = 14
#: what "open" means on the home card: still working towards a decision or a close
OPEN_STATUSES = (
    Deal.Status.DRAFT,
    Deal.Status.SUBMITTED,
    Deal.Status.INFO_REQUESTED,
    Deal.Status.APPROVED,
)


def products_offered(tenant: Tenant) -> QuerySet[Product]:
    """The products a partner may register a deal for."""
    return Product.objects.filter(tenant=tenant, is_active=True).order_by("name")


def deals_matching(*, membership: Membership, q: str = "") -> QuerySet[Deal]:
    """The member's deals whose customer matches the list's search."""
    deals = deals_for(membership=membership)
    if q:
        deals = deals.filter(customer_name__icontains=q)
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


@dataclass(frozen=True)
class HomeSummary:
    open: int
    info_requested: int
    expiring: int
    new_leads: int

    @property
    def attention(self) -> int:
        return self.info_requested + self.expiring


def _count(queryset: QuerySet[Any]) -> Subquery:
    """`SELECT COUNT(id) FROM ... WHERE ...` as a scalar subquery (no GROUP BY: COUNT as a plain
    function is not an aggregate to Django)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def home_summary(membership: Membership) -> HomeSummary:
    """The member's open registrations, those waiting for them, and the company's new leads
    (one query: the home page carries many cards)."""
    soon = timezone.now() + timedelta(days=EXPIRING_DAYS)
    deals = deals_for(membership=membership)
    row = (
        Tenant.objects.filter(pk=membership.tenant_id)
        .annotate(
            open=_count(deals.filter(status__in=OPEN_STATUSES)),
            info=_count(deals.filter(status=Deal.Status.INFO_REQUESTED)),
            expiring=_count(deals.filter(status=Deal.Status.APPROVED, expires_at__lte=soon)),
            new_leads=_count(
                leads_for(membership=membership).filter(
                    status=Lead.Status.ASSIGNED, opened_at__isnull=True
                )
            ),
        )
        .values("open", "info", "expiring", "new_leads")
        .get()
    )
    return HomeSummary(
        open=row["open"],
        info_requested=row["info"],
        expiring=row["expiring"],
        new_leads=row["new_leads"],
    )
