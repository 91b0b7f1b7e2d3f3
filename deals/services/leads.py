"""Leads the vendor hands to partners: create, assign, open, accept, decline, expire.

A lead waits in the queue (`new`) until vendor staff assign it to a partner, which has the
tenant's response days to accept it (it becomes a draft registration of the accepting user) or
decline it with a reason. A declined or unanswered lead goes back to the staff to route again;
the audit log keeps its routing history. Every move goes through `workflow.LEADS`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import audit_record
from prm.normalize import company_core, registered_domain
from prm.notifications.services import notifications_read_for
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from .. import events
from ..events import lead_event_data
from ..models import Deal, Lead
from ..selectors import deal_settings_for
from ..workflow import LEADS
from .access import require_gate, require_lead_distributor, require_lead_recipient
from .registration import normalise_customer


@dataclass(frozen=True)
class LeadInput:
    customer_name: str
    customer_website: str
    country: str
    contact_name: str
    contact_email: str
    contact_role: str
    notes: str


def lead_create(*, actor: Membership, data: LeadInput) -> Lead:
    """Put a new lead in the queue (vendor staff who may distribute leads)."""
    require_lead_distributor(actor)
    if not (company_core(data.customer_name) or registered_domain(data.customer_website)):
        raise ValidationError({"customer_name": _("Enter the customer's company name.")})
    with transaction.atomic():
        lead = Lead.objects.create(tenant=actor.tenant, **data.__dict__)
        audit_record(
            tenant=lead.tenant, actor=actor.user, action="deals.lead.created", obj=lead,
            after={"status": lead.status},
        )  # fmt: skip
    return lead


def lead_assign(*, actor: Membership, lead: Lead, partner: Partner) -> Lead:
    """Route a lead in the queue (new, declined, or returned unanswered) to a partner the
    member sees; the partner's users are told and have the tenant's response days to answer."""
    require_lead_distributor(actor)
    if (
        partner.tenant_id != lead.tenant_id
        or not visible_partners(actor).filter(pk=partner.pk).exists()
    ):
        raise ValidationError({"partner": _("Choose one of the partners you manage.")})

    def not_again(row: Lead) -> None:
        if row.partner_id == partner.pk:
            raise ValidationError({"partner": _("This partner already had this lead.")})

    with transaction.atomic():
        now = timezone.now()
        days = deal_settings_for(lead.tenant).lead_response_days
        return LEADS.transition(
            lead,
            "assign",
            actor=actor.user,
            prepare=not_again,
            changes={
                "partner": partner,
                "assigned_at": now,
                "respond_by": now + timedelta(days=days),
                "opened_at": None,
                "decline_reason": "",
                "decline_note": "",
            },
            after={"partner": partner.name},
            event=events.LEAD_ASSIGNED,
        )


def lead_open(*, actor: Membership, lead: Lead) -> Lead:
    """Record that the partner opened the lead (the first time only)."""
    require_lead_recipient(actor, lead)
    if lead.opened_at is None:
        Lead.objects.filter(pk=lead.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        lead.refresh_from_db(fields=["opened_at"])
    return lead


def lead_accept(*, actor: Membership, lead: Lead) -> Deal:
    """Accept an assigned lead: it becomes a draft registration of the accepting user, with the
    lead's customer and contact, to complete (products, amount, close date) and submit."""

    def draft_registration(row: Lead) -> None:
        assert row.partner is not None
        require_gate(row.partner)
        tenant = row.tenant
        deal = Deal.objects.create(
            tenant=tenant,
            partner=row.partner,
            owner=actor,
            customer_name=row.customer_name,
            customer_website=row.customer_website,
            country=row.country,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            contact_role=row.contact_role,
            notes=row.notes,
            amount=Decimal("0.00"),
            currency=tenant.default_currency,
            expected_close_on=timezone.localdate() + timedelta(days=90),
        )
        normalise_customer(deal)
        deal.save(update_fields=["customer_domain", "customer_core", "customer_key"])
        audit_record(tenant=tenant, actor=actor.user, action="deals.deal.created", obj=deal,
                     after={"from_lead": row.pk})  # fmt: skip
        row.deal = deal
        row.opened_at = row.opened_at or timezone.now()

    with transaction.atomic():
        lead = LEADS.transition(
            lead,
            "accept",
            actor=actor.user,
            authorize=lambda row: require_lead_recipient(actor, row),
            prepare=draft_registration,
            after=lambda row: {"deal": row.deal.reference if row.deal else ""},
            event=events.LEAD_ACCEPTED,
        )
        notifications_read_for(user=actor.user, subject=lead)
    assert lead.deal is not None
    return lead.deal


def lead_decline(*, actor: Membership, lead: Lead, reason: str, note: str = "") -> Lead:
    """Decline an assigned lead with one of the reasons (and a note, required for "other");
    the staff are told, to route it to another partner."""
    errors = {}
    if reason not in Lead.DeclineReason.values:
        errors["reason"] = _("Choose a reason.")
    elif reason == Lead.DeclineReason.OTHER and not note.strip():
        errors["note"] = _("Say why you decline the lead.")
    if errors:
        raise ValidationError(errors)
    text = Lead.DeclineReason(reason).label + (f" ({note})" if note else "")
    with transaction.atomic():
        lead = LEADS.transition(
            lead,
            "decline",
            actor=actor.user,
            authorize=lambda row: require_lead_recipient(actor, row),
            prepare=_returned,
            changes={"decline_reason": reason, "decline_note": note},
            after={"reason": reason, "note": note},
            event=events.LEAD_DECLINED,
            data={"reason": text},
        )
        notifications_read_for(user=actor.user, subject=lead)
    return lead


def _returned(lead: Lead) -> None:
    lead.returned_count += 1


def leads_expire(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Send leads nobody answered by their deadline back to the queue (each once)."""
    now = now or timezone.now()
    done = 0
    due = Lead.objects.filter(tenant=tenant, status=Lead.Status.ASSIGNED, respond_by__lte=now)
    for lead in due.only("pk", "tenant"):
        with transaction.atomic():
            row = LEADS.lock_for_sweep(lead, "expire")
            if row is None:
                continue
            partner = row.partner
            LEADS.transition(
                row,
                "expire",
                actor=None,
                prepare=_returned,
                changes={"partner": None},
                after={"partner": partner.name if partner else ""},
                event=events.LEAD_EXPIRED,
                data=lead_event_data(row, partner),
            )
            done += 1
    return done
