"""Deciding: a CAM approves, rejects or asks for more information."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.notifications.services import notifications_read_for
from prm.sla import business_hours_between
from prm.tenancy.models import Membership
from prm.workflow import TransitionError

from .. import events
from ..conflicts import Customer, find_candidates, verdict_for
from ..events import tenant_day
from ..models import Deal, DealSettings, RejectReason
from ..selectors import deal_settings_for
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
                rules = lock_claims(row.tenant)  # the rule as it is under the lock
                holder = _holder_of(row)
                if holder is not None:
                    _may_supersede(holder, rules.engagement_rule, supersede)
                    _reject_as_superseded(holder, actor, by=row, now=now)
                row.holds_claim = True
            _decided(row, actor, now)

        deal = DEALS.transition(
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
            data={"until": tenant_day(deal.tenant, expires_at), "note": note},
        )
        notifications_read_for(user=actor.user, subject=deal)
    return deal


def _save_claim(deal: Deal) -> None:
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError:
        raise ValidationError(
            _("Another registration took this customer a moment ago; reload and decide again.")
        ) from None


def approval_blocker(deal: Deal, *, rule: str | None = None) -> str:
    """Why approving the registration would be refused as things stand, or "" if it may be.

    Read without locks, for the page that offers the decision (its Approve button is disabled,
    with this sentence, rather than refusing after the CAM typed a message); `deal_approve`
    decides again under the claim lock. Under "CAM decides" a conflict whose holder still waits
    may be approved: the CAM awards the customer to it. `rule`: the tenant's engagement rule,
    when the caller read it already.
    """
    try:
        DEALS.require(deal, "approve")
    except TransitionError as exc:
        return " ".join(exc.messages)
    if deal.holds_claim:
        return ""
    holder = _holder_of(deal)
    if holder is None:
        return ""
    return _claim_refusal(holder, rule or deal_settings_for(deal.tenant).engagement_rule)


def _holder_of(deal: Deal) -> Deal | None:
    """The registration of another partner that holds the deal's customer now, if any."""
    return verdict_for(
        find_candidates(
            tenant=deal.tenant,
            customer=Customer.of(deal.customer_name, deal.customer_website),
            partner_id=deal.partner_id,
            exclude_deal_id=deal.pk,
        )
    ).holder


def _claim_refusal(holder: Deal, rule: str) -> str:
    """Why a registration cannot take the claim `holder` has under the tenant's rule, or ""."""
    if rule == DealSettings.Engagement.FIRST_WINS:
        return _(
            "%(ref)s holds this customer and the first valid registration wins: reject this "
            "one, or approve it once %(ref)s is rejected, withdrawn or expired."
        ) % {"ref": holder.reference}
    if holder.status == Deal.Status.APPROVED:
        return _("%(ref)s is approved and protects this customer until %(until)s.") % {
            "ref": holder.reference,
            "until": tenant_day(holder.tenant, holder.expires_at),
        }
    return ""


def _may_supersede(holder: Deal, rule: str, supersede: bool) -> None:
    if refusal := _claim_refusal(holder, rule):
        raise ValidationError(refusal)
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
    notifications_read_for(user=actor.user, subject=holder)


def deal_reject(*, actor: Membership, deal: Deal, reason: RejectReason, note: str = "") -> Deal:
    """Reject a registration with one of the tenant's reasons and an optional message; the
    partner sees both. Its claim on the customer ends."""
    if reason.tenant_id != deal.tenant_id:
        raise ValidationError({"reason": _("Choose one of the program's reasons.")})
    text = f"{reason.label}. {note}".strip() if note else reason.label
    with transaction.atomic():
        deal = DEALS.transition(
            deal,
            "reject",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=lambda row: _decided(row, actor, timezone.now()),
            changes={"holds_claim": False, "reject_reason": reason, "decision_note": note},
            reason=text,
            event=events.DEAL_REJECTED,
            data={"reason": reason.label, "note": note},
        )
        notifications_read_for(user=actor.user, subject=deal)
    return deal


def deal_request_info(*, actor: Membership, deal: Deal, message: str) -> Deal:
    """Send a registration back to the partner with a question; it keeps its claim meanwhile,
    and its decision clock starts again when the partner resubmits."""
    if not message.strip():
        raise ValidationError({"message": _("Say what information you need.")})
    with transaction.atomic():
        deal = DEALS.transition(
            deal,
            "request_info",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            changes={"decision_note": message},
            reason=message,
            event=events.DEAL_INFO_REQUESTED,
            data={"reason": message},
        )
        notifications_read_for(user=actor.user, subject=deal)
    return deal
