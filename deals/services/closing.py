"""Closing: an approved deal is marked won (commissions build on it) or lost."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.money import format_money, quantize
from prm.tenancy.models import Membership

from .. import events
from ..events import tenant_day
from ..models import Deal
from ..workflow import DEALS
from .access import require_partner_or_decider


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

    def final_amount(row: Deal) -> None:
        row.won_amount = quantize(amount, row.currency)

    with transaction.atomic():
        return DEALS.transition(
            deal,
            "win",
            actor=actor.user,
            authorize=lambda row: require_partner_or_decider(actor, row),
            prepare=final_amount,
            changes={"holds_claim": False, "closed_on": closed_on},
            after=lambda row: {"final_amount": str(row.won_amount), "closed_on": str(closed_on)},
            event=events.DEAL_WON,
            data=lambda row: {
                "final_amount": format_money(row.won_amount, row.currency),
                "closed_on": tenant_day(row.tenant, closed_on),
            },
        )


def deal_mark_lost(*, actor: Membership, deal: Deal, reason: str) -> Deal:
    """Record an approved deal as lost, with why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deal was lost.")})
    with transaction.atomic():
        return DEALS.transition(
            deal,
            "lose",
            actor=actor.user,
            authorize=lambda row: require_partner_or_decider(actor, row),
            changes={
                "holds_claim": False,
                "lost_reason": reason,
                "closed_on": timezone.localdate(),
            },
            reason=reason,
            event=events.DEAL_LOST,
            data={"reason": reason},
        )
