"""Deciding: a CAM approves, rejects or asks for more information."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.dates import format_day
from prm.tenancy.models import Membership

from .. import events
from ..conflicts import Customer, find_candidates, verdict_for
from ..models import Deal, DealSettings, RejectReason
from ..selectors import deal_settings_for
from ..sla import business_hours_between
from ..workflow import DEALS
from .access import require_decider
from .locks import lock_claims


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
        settings = deal_settings_for(deal.tenant)
        now = timezone.now()
        expires_at = now + timedelta(days=settings.protection_days)

        def take_claim(row: Deal) -> None:
            """Under the claim lock, unless it holds the claim already: take it, rejecting the
            registration that holds it where the CAM may and did choose to."""
            if not row.holds_claim:
                lock_claims(row.tenant)
                holder = verdict_for(
                    find_candidates(
                        tenant=row.tenant,
                        customer=Customer.of(row.customer_name, row.customer_website),
                        partner_id=row.partner_id,
                        exclude_deal_id=row.pk,
                    )
                ).holder
                if holder is not None:
                    _may_supersede(holder, settings.engagement_rule, supersede)
                    _reject_as_superseded(holder, actor, by=row, now=now)
                row.holds_claim = True
            _decided(row, actor, now)

        return DEALS.transition(
            deal,
            "approve",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=take_claim,
            changes={
                "approved_at": now,
                "expires_at": expires_at,
                "expiry_warned_at": None,
                "reject_reason": None,
                "decision_note": note,
            },
            save=_save_claim,
            reason=note,
            after={"expires_at": expires_at.isoformat()},
            event=events.DEAL_APPROVED,
            data={"until": format_day(expires_at)},
        )


def _save_claim(deal: Deal) -> None:
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError:
        raise ValidationError(
            _("Another registration took this customer a moment ago; reload and decide again.")
        ) from None


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
            % {"ref": holder.reference, "until": format_day(holder.expires_at)}
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
    note = _("Another registration for this customer was preferred.")
    DEALS.transition(
        holder,
        "reject",
        actor=actor.user,
        prepare=lambda row: _decided(row, actor, now),
        changes={"holds_claim": False, "reject_reason": None, "decision_note": note},
        reason=note,
        after={"superseded_by": by.reference},
        event=events.DEAL_REJECTED,
        data={"reason": note},
    )


def deal_reject(*, actor: Membership, deal: Deal, reason: RejectReason, note: str = "") -> Deal:
    """Reject a registration with one of the tenant's reasons and an optional message; the
    partner sees both. Its claim on the customer ends."""
    if reason.tenant_id != deal.tenant_id:
        raise ValidationError({"reason": _("Choose one of the program's reasons.")})
    text = f"{reason.label}. {note}".strip() if note else reason.label
    with transaction.atomic():
        return DEALS.transition(
            deal,
            "reject",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=lambda row: _decided(row, actor, timezone.now()),
            changes={"holds_claim": False, "reject_reason": reason, "decision_note": note},
            reason=text,
            event=events.DEAL_REJECTED,
            data={"reason": text},
        )


def deal_request_info(*, actor: Membership, deal: Deal, message: str) -> Deal:
    """Send a registration back to the partner with a question; it keeps its claim meanwhile,
    and its decision clock starts again when the partner resubmits."""
    if not message.strip():
        raise ValidationError({"message": _("Say what information you need.")})
    with transaction.atomic():
        return DEALS.transition(
            deal,
            "request_info",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            changes={"decision_note": message},
            reason=message,
            event=events.DEAL_INFO_REQUESTED,
            data={"reason": message},
        )
