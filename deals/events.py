"""Events of the deals app (emitted by `deals.services`), and the data each carries.

`deals.deal.won` is the one other apps build on: commissions will subscribe to it to accrue.
"""

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from prm.dates import format_day, format_moment
from prm.money import format_money
from prm.notifications.categories import declare_category
from prm.notifications.events import declare
from prm.tenancy.models import Tenant

from .models import Deal, Lead

declare_category("deals", _("Deal registrations and leads"))

_DEAL = ("deal", "customer", "partner", "amount")

DEAL_REGISTERED = declare(
    "deals.deal.registered",
    "A partner submitted a deal registration (first submission or resubmission).",
    placeholders=(*_DEAL, "due"),
)
DEAL_CONFLICT = declare(
    "deals.deal.conflict_detected",
    "A submitted registration names a customer that another partner's registration holds.",
    placeholders=_DEAL,
)
DEAL_APPROVED = declare(
    "deals.deal.approved",
    "A CAM approved a registration: the partner's claim is protected until a date.",
    placeholders=(*_DEAL, "until", "note"),
)
DEAL_REJECTED = declare(
    "deals.deal.rejected",
    "A CAM rejected a registration, with a reason the partner sees (and a note of the CAM's).",
    placeholders=(*_DEAL, "reason", "note"),
)
DEAL_INFO_REQUESTED = declare(
    "deals.deal.info_requested",
    "A CAM asked the partner for more information before deciding.",
    placeholders=(*_DEAL, "reason"),
)
DEAL_WITHDRAWN = declare(
    "deals.deal.withdrawn", "A partner withdrew a registration.", placeholders=_DEAL
)
DEAL_SLA_OVERDUE = declare(
    "deals.deal.sla_overdue",
    "A submitted registration passed its decision target (the partner's CAMs are told).",
    placeholders=(*_DEAL, "due", "level"),
)
DEAL_SLA_ESCALATED = declare(
    "deals.deal.sla_escalated",
    "A registration is still undecided well past its target (the program leaders are told).",
    placeholders=(*_DEAL, "due", "level"),
)
DEAL_EXPIRING = declare(
    "deals.deal.expiring",
    "An approved registration's protection ends soon.",
    placeholders=(*_DEAL, "until", "days"),
)
DEAL_EXPIRED = declare(
    "deals.deal.expired", "An approved registration's protection ended.", placeholders=_DEAL
)
DEAL_PARTNER_COMMENTED = declare(
    "deals.deal.partner_commented",
    "A user of the partner wrote in a registration's thread with the vendor.",
    placeholders=(*_DEAL, "comment"),
)
DEAL_VENDOR_COMMENTED = declare(
    "deals.deal.vendor_commented",
    "Vendor staff wrote in a registration's thread with the partner.",
    placeholders=(*_DEAL, "comment"),
)
EXTENSION_REQUESTED = declare(
    "deals.extension.requested",
    "A partner asked to protect an approved registration for longer.",
    placeholders=(*_DEAL, "days", "reason"),
)
EXTENSION_DECIDED = declare(
    "deals.extension.decided",
    "A CAM approved or declined an extension request.",
    placeholders=(*_DEAL, "decision", "until", "reason"),
)
DEAL_WON = declare(
    "deals.deal.won",
    "A deal was marked won with its final amount: commissions accrue from it.",
    placeholders=(*_DEAL, "final_amount", "closed_on"),
)
DEAL_LOST = declare(
    "deals.deal.lost",
    "A deal was marked lost, with the reason (`was_won`: it had been won: commissions reverse).",
    placeholders=(*_DEAL, "reason"),
)
DEAL_AMOUNT_CHANGED = declare(
    "deals.deal.amount_changed",
    "A won deal's final amount was corrected, with the reason: commissions reverse and accrue "
    "again.",
    placeholders=(*_DEAL, "final_amount", "previous_amount", "reason"),
)
DEAL_REOPENED = declare(
    "deals.deal.reopened",
    "A won or lost deal was reopened, with the reason; it is approved and open again "
    "(commissions of a won deal reverse).",
    placeholders=(*_DEAL, "reason"),
)
LEAD_ASSIGNED = declare(
    "deals.lead.assigned",
    "Vendor staff assigned a lead to a partner, to accept or decline by a deadline.",
    placeholders=("customer", "partner", "respond_by"),
)
LEAD_ACCEPTED = declare(
    "deals.lead.accepted",
    "A partner accepted a lead; it became a draft registration.",
    placeholders=("customer", "partner"),
)
LEAD_DECLINED = declare(
    "deals.lead.declined",
    "A partner declined a lead, with a reason; it waits to be routed again.",
    placeholders=("customer", "partner", "reason"),
)
LEAD_EXPIRED = declare(
    "deals.lead.expired",
    "A partner did not answer a lead by its deadline; it went back to the queue.",
    placeholders=("customer", "partner"),
)
PROTECTED_ACCOUNTS_IMPORTED = declare(
    "deals.protected_accounts.imported",
    "Protected accounts and existing customers were imported from a CRM file.",
    placeholders=("count",),
)


def tenant_day(tenant: Tenant, value: date | datetime | None) -> str:
    """A day as the tenant's pages show it (its time zone and language), for an event's data,
    whichever time zone the code emitting it runs in (a request, a beat job, the demo)."""
    with timezone.override(tenant.time_zone):
        return format_day(value, language=tenant.language)


def tenant_moment(tenant: Tenant, value: datetime | None) -> str:
    """A moment as the tenant's pages show it (see `tenant_day`)."""
    with timezone.override(tenant.time_zone):
        return format_moment(value, language=tenant.language)


def event_data(deal: Deal, **extra: Any) -> dict[str, Any]:
    """The placeholders every deal event offers (and ids the recipients are found by)."""
    return {
        "deal": deal.reference,
        "customer": deal.customer_name,
        "partner": deal.partner.name,
        "partner_id": deal.partner_id,
        "owner_id": deal.owner_id,
        "amount": format_money(deal.amount, deal.currency),
        **extra,
    }


def lead_event_data(lead: Lead, partner: Partner | None = None) -> dict[str, Any]:
    """The placeholders every lead event offers; `partner` when it is no longer the lead's."""
    partner = partner or lead.partner
    return {
        "customer": lead.customer_name,
        "partner": partner.name if partner else "",
        "partner_id": partner.pk if partner else None,
        "respond_by": tenant_moment(lead.tenant, lead.respond_by) if lead.respond_by else "",
    }
