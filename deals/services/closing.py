"""Closing: an approved deal is marked won (commissions build on it) or lost."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from prm.money import quantize
from prm.notifications.events import emit
from prm.tenancy.models import Membership

from .. import events, workflow
from ..models import Deal
from .guards import (
    event_data,
    lock_deal,
    money_text,
    record,
    require_partner_or_decider,
)


def deal_mark_won(*, actor: Membership, deal: Deal, amount: Decimal, closed_on: date) -> Deal:
    """Record an approved deal as won with its final amount and close date.

    The deal stays credited to its partner; `deals.deal.won` is what commissions build on.
    """
    errors = {}
    if amount is None or amount < 0:
        errors["amount"] = _("Enter the final amount (zero or more).")
    if closed_on is None or closed_on > timezone.localdate():
        errors["closed_on"] = _("The close date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        deal = lock_deal(deal)
        require_partner_or_decider(actor, deal)
        old = deal.status
        workflow.require(deal, "win")
        deal.status = Deal.Status.WON
        deal.holds_claim = False
        deal.won_amount = quantize(amount, deal.currency)
        deal.closed_on = closed_on
        deal.save()
        record(deal, actor, "won", old, final_amount=str(deal.won_amount), closed_on=str(closed_on))
        emit(
            events.DEAL_WON.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(
                deal,
                final_amount=money_text(deal.won_amount, deal.currency),
                closed_on=formats.date_format(closed_on, "DATE_FORMAT"),
            ),
        )
    return deal


def deal_mark_lost(*, actor: Membership, deal: Deal, reason: str) -> Deal:
    """Record an approved deal as lost, with why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deal was lost.")})
    with transaction.atomic():
        deal = lock_deal(deal)
        require_partner_or_decider(actor, deal)
        old = deal.status
        workflow.require(deal, "lose")
        deal.status = Deal.Status.LOST
        deal.holds_claim = False
        deal.lost_reason = reason
        deal.closed_on = timezone.localdate()
        deal.save()
        record(deal, actor, "lost", old, reason=reason)
        emit(
            events.DEAL_LOST.name,
            tenant=deal.tenant,
            actor=actor.user,
            subject=deal,
            data=event_data(deal, reason=reason),
        )
    return deal
