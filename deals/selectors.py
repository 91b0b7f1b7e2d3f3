"""Reads about deal registrations and leads, narrowed to what a member may see."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from prm.metrics.periods import Period
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from .models import Deal, DealSettings, Lead, RejectReason


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
    return deals.filter(partner__in=visible_partners(membership))


def deal_queue_for(*, membership: Membership) -> QuerySet[Deal]:
    """Registrations waiting for a vendor decision, most urgent (earliest due) first."""
    return (
        deals_for(membership=membership)
        .filter(status=Deal.Status.SUBMITTED)
        .order_by("sla_due_at", "id")
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
