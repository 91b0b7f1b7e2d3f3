"""Allocations: the part of a fund each partner company may ask for.

Set one partner's, or every partner of a tier at once; either way the fund's row is locked
first, so allocations made at the same moment never add up to more than the budget (and the
database refuses it if they did: `mdf_fund_allocated_within_budget`). The allocation's own
balance moves through the ledger (`mdf.ledger.post`, an `allocated` line with the reason).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Partner, Tier
from prm.money import format_money, quantize
from prm.notifications.log import log_action
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from .. import events, ledger
from ..models import Allocation, Fund


def _require_manager(actor: Membership, fund: Fund) -> None:
    if actor.tenant_id != fund.tenant_id or not actor.can("mdf.manage"):
        raise ValidationError(_("Only program leaders and partner operations allocate funds."))


def _set_locked(
    *,
    actor: Membership,
    fund: Fund,
    partner: Partner,
    amount: Decimal,
    reason: str,
    tier: Tier | None,
) -> Allocation | None:
    """One partner's allocation set to `amount`, the fund's row being locked by the caller.
    Returns None when nothing changed."""
    if partner.tenant_id != fund.tenant_id:
        raise ValueError("The partner belongs to another tenant.")
    amount = quantize(amount, fund.currency)
    if amount < 0:
        raise ValidationError({"amount": _("Enter an amount of zero or more.")})
    allocation, _created = Allocation.objects.get_or_create(
        tenant_id=fund.tenant_id,
        fund=fund,
        partner=partner,
        defaults={"currency": fund.currency, "tier": tier},
    )
    allocation = lock_row(allocation)
    delta = amount - allocation.allocated
    if delta == 0 and allocation.tier_id == (tier.pk if tier else None):
        return None
    if fund.allocated + delta > fund.budget:
        raise ValidationError(
            {
                "amount": _(
                    "The fund has %(left)s left to allocate (budget %(budget)s): lower the "
                    "amount or raise the budget."
                )
                % {
                    "left": format_money(fund.budget - fund.allocated, fund.currency),
                    "budget": format_money(fund.budget, fund.currency),
                }
            }
        )
    if delta != 0:
        try:
            ledger.post(
                allocation=allocation,
                kind=ledger.K.ALLOCATED,
                amount=delta,
                actor=actor.user,
                reason=reason,
            )
        except ledger.LedgerError as exc:
            # Below what is spoken for: the amount is what the person changes.
            raise ledger.LedgerError({"amount": exc.messages}) from exc
        fund.allocated += delta
    allocation.tier = tier
    if allocation.available > 0:
        allocation.low_warned_at = None  # topped up: warn again when it runs low
    allocation.save(update_fields=["tier", "low_warned_at"])
    log_action(
        event=events.ALLOCATION_CHANGED,
        tenant=fund.tenant,
        actor=actor.user,
        obj=allocation,
        data=events.allocation_event_data(allocation, reason=reason),
        after={"allocated": format_money(allocation.allocated, fund.currency)},
        reason=reason,
    )
    return allocation


def allocation_set(
    *, actor: Membership, fund: Fund, partner: Partner, amount: Decimal, reason: str
) -> Allocation | None:
    """Give `partner` exactly `amount` of `fund` (raise, lower, or first allocate it).

    Validates that the fund's budget covers it and that the allocation stays above what is
    already committed, claimed or paid from it (`ValidationError` / `LedgerError`, nothing
    written). Writes an `allocated` ledger line for the difference, audits it and tells the
    partner (`mdf.allocation.changed`). Returns None when the amount was already that.
    """
    _require_manager(actor, fund)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: the ledger keeps the reason.")})
    with transaction.atomic():
        locked = lock_row(fund)
        result = _set_locked(
            actor=actor, fund=locked, partner=partner, amount=amount, reason=reason, tier=None
        )
        locked.save(update_fields=["allocated"])
    fund.allocated = locked.allocated
    return result


def allocations_by_tier(
    *, actor: Membership, fund: Fund, tier: Tier, amount: Decimal, reason: str
) -> int:
    """Give every active partner of `tier` exactly `amount` of `fund`, all or nothing.

    The budget is checked for the whole tier before anything is written. Returns how many
    allocations changed. Raises `ValidationError` (the budget does not cover it, or one
    partner's allocation is already spoken for beyond `amount`); then nothing changed.
    """
    _require_manager(actor, fund)
    if tier.tenant_id != fund.tenant_id:
        raise ValueError("The tier belongs to another tenant.")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: the ledger keeps the reason.")})
    partners = list(
        Partner.objects.filter(
            tenant_id=fund.tenant_id, tier=tier, status=Partner.Status.ACTIVE
        ).order_by("pk")
    )
    if not partners:
        raise ValidationError(
            {"tier": _("No active partner is in %(tier)s yet.") % {"tier": tier.name}}
        )
    changed = 0
    with transaction.atomic():
        locked = lock_row(fund)
        for partner in partners:
            try:
                done = _set_locked(
                    actor=actor,
                    fund=locked,
                    partner=partner,
                    amount=amount,
                    reason=reason,
                    tier=tier,
                )
            except ledger.LedgerError as exc:
                # Name the partner whose allocation refused: the tier has many.
                raise ledger.LedgerError(
                    {
                        "amount": _("%(partner)s: %(why)s")
                        % {"partner": partner.name, "why": " ".join(exc.messages)}
                    }
                ) from exc
            if done:
                changed += 1
        locked.save(update_fields=["allocated"])
    fund.allocated = locked.allocated
    return changed
