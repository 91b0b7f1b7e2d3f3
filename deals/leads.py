"""Leads the vendor hands to partners: create, assign, open, accept, decline, expire.

A lead waits in the queue (`new`) until vendor staff assign it to a partner, which has the
tenant's response days to accept it (it becomes a draft registration of the accepting user) or
decline it with a reason. A declined or unanswered lead goes back to the staff to route again;
the audit log keeps its routing history.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import audit_record
from prm.normalize import company_core, registered_domain
from prm.notifications.events import emit
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from . import events
from .models import Deal, Lead
from .selectors import deal_settings_for
from .services.guards import require_gate
from .services.registration import normalise_customer
from .workflow import TransitionError


@dataclass(frozen=True)
class LeadInput:
    customer_name: str
    customer_website: str
    country: str
    contact_name: str
    contact_email: str
    contact_role: str
    notes: str


def _lock(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk, tenant_id=lead.tenant_id)


def _require_staff(actor: Membership) -> None:
    if actor.is_partner_user or not actor.can("deals.leads"):
        raise PermissionDenied


def _require_partner_user(actor: Membership, lead: Lead) -> None:
    mine = actor.is_partner_user and lead.partner_id == actor.partner_id
    if not (mine and actor.tenant_id == lead.tenant_id and actor.can("portal.deals")):
        raise PermissionDenied


def _require_status(lead: Lead, *allowed: str) -> None:
    if lead.status not in allowed:
        raise TransitionError(
            _("This lead is %(status)s: it cannot be changed that way any more.")
            % {"status": lead.get_status_display().lower()}
        )


def _data(lead: Lead, partner: Partner | None = None) -> dict[str, object]:
    partner = partner or lead.partner
    return {
        "customer": lead.customer_name,
        "partner": partner.name if partner else "",
        "partner_id": partner.pk if partner else None,
        "respond_by": formats.date_format(timezone.localtime(lead.respond_by), "DATETIME_FORMAT")
        if lead.respond_by
        else "",
    }


def _audit(lead: Lead, actor: Membership | None, action: str, **after: object) -> None:
    audit_record(
        tenant=lead.tenant,
        actor=actor.user if actor else None,
        action=f"deals.lead.{action}",
        obj=lead,
        after={"status": lead.status, **after},
    )


def lead_create(*, actor: Membership, data: LeadInput) -> Lead:
    """Put a new lead in the queue (vendor staff who may distribute leads)."""
    _require_staff(actor)
    if not (company_core(data.customer_name) or registered_domain(data.customer_website)):
        raise ValidationError({"customer_name": _("Enter the customer's company name.")})
    with transaction.atomic():
        lead = Lead.objects.create(tenant=actor.tenant, **data.__dict__)
        _audit(lead, actor, "created")
    return lead


def lead_assign(*, actor: Membership, lead: Lead, partner: Partner) -> Lead:
    """Route a lead in the queue (new, declined, or returned unanswered) to a partner the
    member sees; the partner's users are told and have the tenant's response days to answer."""
    _require_staff(actor)
    if (
        partner.tenant_id != lead.tenant_id
        or not visible_partners(actor).filter(pk=partner.pk).exists()
    ):
        raise ValidationError({"partner": _("Choose one of the partners you manage.")})
    with transaction.atomic():
        lead = _lock(lead)
        _require_status(lead, Lead.Status.NEW, Lead.Status.DECLINED)
        if lead.partner_id == partner.pk:
            raise ValidationError({"partner": _("This partner already had this lead.")})
        now = timezone.now()
        days = deal_settings_for(lead.tenant).lead_response_days
        lead.partner = partner
        lead.status = Lead.Status.ASSIGNED
        lead.assigned_at = now
        lead.respond_by = now + timedelta(days=days)
        lead.opened_at = None
        lead.decline_reason = ""
        lead.decline_note = ""
        lead.save()
        _audit(lead, actor, "assigned", partner=partner.name)
        emit(
            events.LEAD_ASSIGNED.name,
            tenant=lead.tenant,
            actor=actor.user,
            subject=lead,
            data=_data(lead),
        )
    return lead


def lead_open(*, actor: Membership, lead: Lead) -> Lead:
    """Record that the partner opened the lead (the first time only)."""
    _require_partner_user(actor, lead)
    if lead.opened_at is None:
        Lead.objects.filter(pk=lead.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        lead.refresh_from_db(fields=["opened_at"])
    return lead


def lead_accept(*, actor: Membership, lead: Lead) -> Deal:
    """Accept an assigned lead: it becomes a draft registration of the accepting user, with the
    lead's customer and contact, to complete (products, amount, close date) and submit."""
    with transaction.atomic():
        lead = _lock(lead)
        _require_partner_user(actor, lead)
        _require_status(lead, Lead.Status.ASSIGNED)
        assert lead.partner is not None
        require_gate(lead.partner)
        tenant = lead.tenant
        deal = Deal.objects.create(
            tenant=tenant,
            partner=lead.partner,
            owner=actor,
            customer_name=lead.customer_name,
            customer_website=lead.customer_website,
            country=lead.country,
            contact_name=lead.contact_name,
            contact_email=lead.contact_email,
            contact_role=lead.contact_role,
            notes=lead.notes,
            amount=Decimal("0.00"),
            currency=tenant.default_currency,
            expected_close_on=timezone.localdate() + timedelta(days=90),
        )
        normalise_customer(deal)
        deal.save(update_fields=["customer_domain", "customer_core", "customer_key"])
        lead.status = Lead.Status.ACCEPTED
        lead.deal = deal
        lead.opened_at = lead.opened_at or timezone.now()
        lead.save()
        _audit(lead, actor, "accepted", deal=deal.reference)
        audit_record(tenant=tenant, actor=actor.user, action="deals.deal.created", obj=deal,
                     after={"from_lead": lead.pk})  # fmt: skip
        emit(
            events.LEAD_ACCEPTED.name,
            tenant=tenant,
            actor=actor.user,
            subject=lead,
            data=_data(lead),
        )
    return deal


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
    with transaction.atomic():
        lead = _lock(lead)
        _require_partner_user(actor, lead)
        _require_status(lead, Lead.Status.ASSIGNED)
        lead.status = Lead.Status.DECLINED
        lead.decline_reason = reason
        lead.decline_note = note
        lead.returned_count += 1
        lead.save()
        _audit(lead, actor, "declined", reason=reason, note=note)
        text = Lead.DeclineReason(reason).label + (f" ({note})" if note else "")
        emit(
            events.LEAD_DECLINED.name,
            tenant=lead.tenant,
            actor=actor.user,
            subject=lead,
            data={**_data(lead), "reason": text},
        )
    return lead


def leads_expire(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Send leads nobody answered by their deadline back to the queue (each once)."""
    now = now or timezone.now()
    done = 0
    due = Lead.objects.filter(tenant=tenant, status=Lead.Status.ASSIGNED, respond_by__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            lead = (
                Lead.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("partner")
                .filter(pk=pk, tenant=tenant, status=Lead.Status.ASSIGNED)
                .first()
            )
            if lead is None:
                continue
            partner = lead.partner
            lead.status = Lead.Status.NEW
            lead.partner = None
            lead.returned_count += 1
            lead.save()
            _audit(lead, None, "expired", partner=partner.name if partner else "")
            emit(events.LEAD_EXPIRED.name, tenant=tenant, subject=lead, data=_data(lead, partner))
            done += 1
    return done
