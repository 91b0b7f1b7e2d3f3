"""Closing: an approved deal is marked won (commissions build on it) or lost; a won deal's final
amount is corrected, and a closed deal is reopened.

Every change to a deal's outcome moves `Deal.close_revision` on and is announced with it
(`revision` in the event's data): `deals.deal.won` for a win, `deals.deal.amount_changed` for a
corrected amount, `deals.deal.lost` (with `was_won`) and `deals.deal.reopened`. Commissions
subscribe to them: a repeated event of one revision accrues nothing twice.
"""

from datetime import date, timedelta
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
from .access import require_decider, require_partner_or_decider
from .decisions import _holder_of, _save_claim
from .locks import lock_claims

S = Deal.Status


def _check_outcome(amount: Decimal | None, closed_on: date | None) -> None:
    errors = {}
    if amount is None or amount < 0:
        errors["amount"] = _("Enter the final amount (zero or more).")
    if closed_on is None or closed_on > timezone.localdate():
        errors["closed_on"] = _("The close date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def deal_mark_won(*, actor: Membership, deal: Deal, amount: Decimal, closed_on: date) -> Deal:
    """Record an approved deal as won with its final amount and close date.

    The deal stays credited to its partner; `deals.deal.won` is what commissions build on (its
    handlers run in this transaction: a commission that cannot be accrued undoes the win).
    """
    _check_outcome(amount, closed_on)

    def final_amount(row: Deal) -> None:
        row.won_amount = quantize(amount, row.currency)
        row.close_revision += 1

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
                "revision": row.close_revision,
            },
        )


def deal_mark_lost(*, actor: Membership, deal: Deal, reason: str) -> Deal:
    """Record an approved deal as lost, with why; or a won deal as lost after all (vendor staff
    who decide the partner's deals only: its commissions are reversed)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deal was lost.")})
    was_won = deal.status == S.WON

    def authorize(row: Deal) -> None:
        if row.status == S.WON:
            require_decider(actor, row)
        else:
            require_partner_or_decider(actor, row)

    def note_revision(row: Deal) -> None:
        if row.status == S.WON:
            row.close_revision += 1

    with transaction.atomic():
        return DEALS.transition(
            deal,
            "lose",
            actor=actor.user,
            authorize=authorize,
            prepare=note_revision,
            changes={
                "holds_claim": False,
                "lost_reason": reason,
                "closed_on": timezone.localdate(),
            },
            reason=reason,
            event=events.DEAL_LOST,
            data=lambda row: {
                "reason": reason,
                "was_won": was_won,
                "revision": row.close_revision,
            },
        )


def deal_change_amount(*, actor: Membership, deal: Deal, amount: Decimal, reason: str) -> Deal:
    """Correct a won deal's final amount, with why (vendor staff who decide the partner's
    deals). Commissions reverse what the old amount earned and accrue on the new one."""
    errors = {}
    if amount is None or amount < 0:
        errors["amount"] = _("Enter the final amount (zero or more).")
    if not reason.strip():
        errors["reason"] = _("Say why the final amount changed: the partner sees it.")
    if errors:
        raise ValidationError(errors)
    previous: dict[str, Decimal | None] = {}

    def new_amount(row: Deal) -> None:
        new = quantize(amount, row.currency)
        if new == row.won_amount:
            raise ValidationError({"amount": _("This is the final amount already.")})
        previous["amount"] = row.won_amount
        row.won_amount = new
        row.close_revision += 1

    with transaction.atomic():
        return DEALS.transition(
            deal,
            "change_amount",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=new_amount,
            reason=reason,
            after=lambda row: {
                "final_amount": str(row.won_amount),
                "previous_amount": str(previous["amount"]),
            },
            event=events.DEAL_AMOUNT_CHANGED,
            data=lambda row: {
                "final_amount": format_money(row.won_amount, row.currency),
                "previous_amount": format_money(previous["amount"], row.currency),
                "reason": reason,
                "revision": row.close_revision,
            },
        )


def deal_reopen(*, actor: Membership, deal: Deal, reason: str) -> Deal:
    """Reopen a won or lost deal, with why (vendor staff who decide the partner's deals): it is
    approved again and holds its customer, protected for the tenant's window from now if its
    protection had ended. Refused when another partner's registration holds the customer now.
    A won deal's commissions are reversed (`deals.deal.reopened`)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deal is reopened: the partner sees it.")})
    was_won = deal.status == S.WON

    def take_claim_again(row: Deal) -> None:
        rules = lock_claims(row.tenant)
        if _holder_of(row) is not None:
            raise ValidationError(
                _(
                    "Another partner's registration holds this customer now: the deal cannot "
                    "be reopened."
                )
            )
        now = timezone.now()
        if row.expires_at is None or row.expires_at <= now:
            row.expires_at = now + timedelta(days=rules.protection_days)
            row.expiry_warned_at = None
        row.holds_claim = True
        if row.status == S.WON:
            row.close_revision += 1

    with transaction.atomic():
        return DEALS.transition(
            deal,
            "reopen",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=take_claim_again,
            changes={"won_amount": None, "closed_on": None, "lost_reason": ""},
            save=_save_claim,
            reason=reason,
            event=events.DEAL_REOPENED,
            data=lambda row: {
                "reason": reason,
                "was_won": was_won,
                "revision": row.close_revision,
            },
        )
