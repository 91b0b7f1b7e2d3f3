"""Deciding: a CAM approves, rejects or asks for more information."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.notifications.events import emit
from prm.tenancy.models import Membership

from .. import events, workflow
from ..conflicts import Customer, find_candidates, verdict_for
from ..models import Deal, DealSettings, RejectReason
from ..selectors import deal_settings_for
from ..sla import business_hours_between
from .guards import (
    date_text,
    event_data,
    lock_claims,
    lock_deal,
    record,
    require_decider,
)


def _decided(deal: Deal, actor: Membership, now: datetime) -> None:
    deal.decided_at = now
    deal.decided_by = actor.user
    if deal.submitted_at is not None:
        deal.decision_hours = business_hours_between(deal.submitted_at, now, deal.tenant.time_zone)


def deal_approve(*, actor: Membership, deal: Deal, note: str = "", supersede: bool = False) -> Deal:
    """Approve a registration: the partner's claim is protected for the tenant's window.

    A registration recorded as a conflict takes the claim only when nobody holds the customer
    any more; under "CAM decides" the CAM may award it instead (`supersede`), which rejects the
    earlier registration while it still waits for a decision (never an approved one).
    """
    with transaction.atomic():
        deal = lock_deal(deal)
        require_decider(actor, deal)
        old = deal.status
        workflow.require(deal, "approve")
        tenant = deal.tenant
        settings = deal_settings_for(tenant)
        now = timezone.now()
        if not deal.holds_claim:
            lock_claims(tenant.pk)
            holder = verdict_for(
                find_candidates(
                    tenant=tenant,
                    customer=Customer.of(deal.customer_name, deal.customer_website),
                    partner_id=deal.partner_id,
                    exclude_deal_id=deal.pk,
                )
            ).holder
            if holder is not None:
                _may_supersede(holder, settings.engagement_rule, supersede)
                _reject_as_superseded(holder, actor, by=deal, now=now)
            deal.holds_claim = True
        deal.status = Deal.Status.APPROVED
        deal.approved_at = now
        deal.expires_at = now + timedelta(days=settings.protection_days)
        deal.expiry_warned_at = None
        deal.reject_reason = None
        deal.decision_note = note
        _decided(deal, actor, now)
        try:
            with transaction.atomic():
                deal.save()
        except IntegrityError:
            raise ValidationError(
                _("Another registration took this customer a moment ago; reload and decide again.")
            ) from None
        record(deal, actor, "approved", old, reason=note, expires_at=deal.expires_at.isoformat())
        emit(
            events.DEAL_APPROVED.name,
            tenant=tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(deal, until=date_text(deal.expires_at)),
        )
    return deal


def _may_supersede(holder: Deal, rule: str, supersede: bool) -> None:
    if rule == DealSettings.Engagement.FIRST_WINS:
        raise ValidationError(
            _(
                "%(ref)s holds this customer and the first valid registration wins: reject this "
                "one, or approve it once %(ref)s is rejected, withdrawn or expired."
            )
            % {"ref": holder.reference}
        )
    if holder.status == Deal.Status.APPROVED:
        raise ValidationError(
            _("%(ref)s is approved and protects this customer until %(until)s.")
            % {"ref": holder.reference, "until": date_text(holder.expires_at)}
        )
    if not supersede:
        raise ValidationError(
            {
                "supersede": _(
                    "%(ref)s holds this customer. Tick the box to award it to this registration; "
                    "%(ref)s will be rejected."
                )
                % {"ref": holder.reference}
            }
        )


def _reject_as_superseded(holder: Deal, actor: Membership, *, by: Deal, now: datetime) -> None:
    holder = lock_deal(holder)
    old = holder.status
    workflow.require(holder, "reject")
    holder.status = Deal.Status.REJECTED
    holder.holds_claim = False
    holder.reject_reason = None
    holder.decision_note = _("Another registration for this customer was preferred.")
    _decided(holder, actor, now)
    holder.save()
    record(holder, actor, "rejected", old, reason=holder.decision_note, superseded_by=by.reference)
    emit(
        events.DEAL_REJECTED.name,
        tenant=holder.tenant,
        actor=actor.user,
        subject=holder,
        data=event_data(holder, reason=holder.decision_note),
    )


def deal_reject(*, actor: Membership, deal: Deal, reason: RejectReason, note: str = "") -> Deal:
    """Reject a registration with one of the tenant's reasons and an optional message; the
    partner sees both. Its claim on the customer ends."""
    if reason.tenant_id != deal.tenant_id:
        raise ValidationError({"reason": _("Choose one of the program's reasons.")})
    with transaction.atomic():
        deal = lock_deal(deal)
        require_decider(actor, deal)
        old = deal.status
        workflow.require(deal, "reject")
        deal.status = Deal.Status.REJECTED
        deal.holds_claim = False
        deal.reject_reason = reason
        deal.decision_note = note
        _decided(deal, actor, timezone.now())
        deal.save()
        text = f"{reason.label}. {note}".strip() if note else reason.label
        record(deal, actor, "rejected", old, reason=text)
        emit(
            events.DEAL_REJECTED.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(deal, reason=text),
        )
    return deal


def deal_request_info(*, actor: Membership, deal: Deal, message: str) -> Deal:
    """Send a registration back to the partner with a question; it keeps its claim meanwhile,
    and its decision clock starts again when the partner resubmits."""
    if not message.strip():
        raise ValidationError({"message": _("Say what information you need.")})
    with transaction.atomic():
        deal = lock_deal(deal)
        require_decider(actor, deal)
        old = deal.status
        workflow.require(deal, "request_info")
        deal.status = Deal.Status.INFO_REQUESTED
        deal.decision_note = message
        deal.save()
        record(deal, actor, "info_requested", old, reason=message)
        emit(
            events.DEAL_INFO_REQUESTED.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(deal, reason=message),
        )
    return deal
