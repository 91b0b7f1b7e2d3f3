"""The deals app's sections of the partner page (`prm.workspace.partner_page`): the partner's
registrations by status, with the latest ones and their decision clock, and its leads.

Reads start from `vendor_deals_for` / `leads_for`: what the viewing member may see.
"""

from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from partners.models import Partner
from prm.money import format_money
from prm.sla import sla_state
from prm.tenancy.models import Membership
from prm.workspace.partner_page import PartnerSection
from prm.workspace.ui import badge

from .models import Deal, Lead
from .selectors import leads_for, pipeline_by_currency, status_counts, vendor_deals_for

#: registrations and leads listed by name on the page
SHOWN = 5


def _deal_list(partner: Partner, **params: str) -> str:
    return (
        reverse("admin:deals_deal_changelist")
        + "?"
        + urlencode({**params, "partner": str(partner.pk)})
    )


def deals_section(partner: Partner, membership: Membership) -> PartnerSection:
    """Counts by status (each a link to the queue filtered to this partner and status), the
    open pipeline per currency, and the latest registrations (3 queries)."""
    deals = vendor_deals_for(membership=membership).filter(partner=partner)
    counts = status_counts(deals)
    statuses = [
        {
            "label": status.label,
            "count": counts.get(status.value, 0),
            "url": _deal_list(partner, status=status.value),
            "badge": f"status-{status.value}",
        }
        for status in Deal.Status
        if status != Deal.Status.DRAFT
    ]
    now = timezone.now()
    tz = timezone.get_current_timezone_name()
    latest = []
    for deal in deals.order_by("-submitted_at", "-id")[:SHOWN]:
        clock = None
        if deal.status == Deal.Status.SUBMITTED and deal.sla_due_at is not None:
            clock = badge(*sla_state(deal.sla_due_at, tz, now))
        latest.append(
            {
                "deal": deal,
                "url": reverse("admin:deals_deal_change", args=[deal.pk]),
                "amount": format_money(deal.amount, deal.currency),
                "status": badge(f"status-{deal.status}", deal.get_status_display()),
                "clock": clock,
                "conflict": deal.is_conflict,
            }
        )
    pipeline = pipeline_by_currency(deals)
    return PartnerSection(
        key="deals",
        title=gettext_lazy("Deal registrations"),
        template="admin/deals/overview/deals.html",
        context={
            "statuses": statuses,
            "total": sum(s["count"] for s in statuses),
            "pipeline": [format_money(amount, currency) for currency, amount in pipeline.items()],
            "latest": latest,
        },
        links=[(gettext_lazy("All its registrations"), _deal_list(partner, status="all"))],
    )


def leads_section(partner: Partner, membership: Membership) -> PartnerSection:
    """The leads assigned to the partner and waiting for its answer, with the deadline, and
    how it answered the others (2 queries)."""
    leads = leads_for(membership=membership).filter(partner=partner)
    counts = {
        row["status"]: row["n"] for row in leads.order_by().values("status").annotate(n=Count("id"))
    }
    open_leads = list(
        leads.filter(status=Lead.Status.ASSIGNED).order_by("respond_by", "id")[:SHOWN]
    )
    now = timezone.now()
    url = reverse("admin:deals_lead_changelist")
    return PartnerSection(
        key="leads",
        title=gettext_lazy("Leads"),
        template="admin/deals/overview/leads.html",
        context={
            "open": [
                {
                    "lead": lead,
                    "url": reverse("admin:deals_lead_change", args=[lead.pk]),
                    "overdue": lead.respond_by is not None and lead.respond_by <= now,
                }
                for lead in open_leads
            ],
            "assigned": counts.get(Lead.Status.ASSIGNED, 0),
            "accepted": counts.get(Lead.Status.ACCEPTED, 0),
            "declined": counts.get(Lead.Status.DECLINED, 0),
        },
        links=[(gettext_lazy("All its leads"), f"{url}?{urlencode({'partner': partner.pk})}")],
    )


def deals_of_partner(partner: Partner) -> QuerySet[Deal]:
    """The partner's registrations, whose history belongs on its page."""
    return Deal.objects.filter(tenant_id=partner.tenant_id, partner=partner)


def leads_of_partner(partner: Partner) -> QuerySet[Lead]:
    """The leads assigned to the partner, whose history belongs on its page."""
    return Lead.objects.filter(tenant_id=partner.tenant_id, partner=partner)
