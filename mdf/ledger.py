"""The MDF ledger: append-only movements per allocation, and the balances they add up to.

An allocation keeps four balances beside its movements, and only `post` changes them: under the
allocation's row lock it checks the move, inserts the movement and saves the balances, all in
the caller's transaction. The database has the last word: a check constraint refuses committed
+ claimed + reimbursed above allocated (and any balance below zero), so two approvals that both
passed a check in Python can still never over-commit an allocation; the second waits for the
lock, sees the first one's commitment and is refused with a sentence.

How each kind moves money between the balances (`EFFECTS`):

| kind        | allocated | committed | claimed | reimbursed |
|-------------|-----------|-----------|---------|------------|
| allocated   | +a        |           |         |            |
| committed   |           | +a        |         |            |
| released    |           | -a        |         |            |
| claimed     |           | -a        | +a      |            |
| reimbursed  |           |           | -a      | +a         |
| reversed    | the negation of the line it reverses                |

Available (what the partner may still ask for) is allocated - committed - claimed - reimbursed.
A request holds what was committed for it less what was released or claimed for it (`held_by`).
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from prm.money import format_money, quantize
from prm.workflow import lock_row

from .models import Allocation, Claim, MdfRequest, Movement

if TYPE_CHECKING:
    from prm.accounts.models import User

K = Movement.Kind
BALANCES = ("allocated", "committed", "claimed", "reimbursed")
ZERO = Decimal("0.00")

EFFECTS: dict[str, dict[str, int]] = {
    K.ALLOCATED: {"allocated": 1},
    K.COMMITTED: {"committed": 1},
    K.RELEASED: {"committed": -1},
    K.CLAIMED: {"committed": -1, "claimed": 1},
    K.REIMBURSED: {"claimed": -1, "reimbursed": 1},
}


class LedgerError(ValidationError):
    """The move would leave a balance below zero or the allocation over-committed; nothing
    was written."""


def effects_of(movement: Movement) -> dict[str, Decimal]:
    """What one movement adds to each balance (a reversal: the negation of its line's)."""
    if movement.kind == K.REVERSED:
        original = movement.reverses
        assert original is not None
        return {name: -delta for name, delta in effects_of(original).items()}
    return {name: sign * movement.amount for name, sign in EFFECTS[movement.kind].items()}


def sums_of(movements: Iterable[Movement]) -> dict[str, Decimal]:
    """The balances a list of movements adds up to (for checks and tests)."""
    totals = dict.fromkeys(BALANCES, ZERO)
    for movement in movements:
        for name, delta in effects_of(movement).items():
            totals[name] += delta
    return totals


def post(
    *,
    allocation: Allocation,
    kind: str,
    amount: Decimal,
    actor: "User | None",
    reason: str,
    request: MdfRequest | None = None,
    claim: Claim | None = None,
    reverses: Movement | None = None,
) -> Movement:
    """Write one movement and move the allocation's balances with it, under its row lock.

    `amount` is quantized once here, in the allocation's currency; it is positive, except an
    `allocated` line lowering an allocation. A `reversed` line names the line it reverses
    (`reverses`, of the same allocation, not reversed before) and takes its amount. The source
    (`request`, `claim`) must belong to the allocation.

    Raises `LedgerError` with a sentence a person understands when the move would over-commit
    the allocation or take a balance below zero; then nothing was written (the caller's
    transaction may go on). Must run inside `transaction.atomic()`.
    """
    locked = lock_row(allocation)
    if request is not None and request.allocation_id != locked.pk:
        raise ValueError("The request draws on another allocation.")
    if claim is not None and claim.request.allocation_id != locked.pk:
        raise ValueError("The claim draws on another allocation.")
    if kind == K.REVERSED:
        if reverses is None or reverses.allocation_id != locked.pk:
            raise ValueError("A reversal names a line of the same allocation.")
        if Movement.objects.filter(reverses=reverses).exists():
            raise LedgerError(_("This line was reversed already."))
        amount = reverses.amount
    elif reverses is not None:
        raise ValueError("Only a reversal names another line.")
    amount = quantize(amount, locked.currency)
    if amount == 0 or (amount < 0 and kind != K.ALLOCATED):
        raise LedgerError(_("Enter an amount above zero."))
    movement = Movement(
        tenant_id=locked.tenant_id,
        allocation=locked,
        kind=kind,
        amount=amount,
        currency=locked.currency,
        actor=actor,
        reason=reason[:500],
        request=request,
        claim=claim,
        reverses=reverses,
    )
    available_before = locked.available
    for name, delta in effects_of(movement).items():
        setattr(locked, name, getattr(locked, name) + delta)
    _refuse_if_unsound(locked, kind, available_before)
    try:
        with transaction.atomic():
            locked.save(update_fields=list(BALANCES))
            movement.save()
    except IntegrityError as exc:
        # Only reachable if the checks above were wrong: the constraint is the last word.
        raise LedgerError(_("This would over-commit the allocation; nothing was changed.")) from exc
    for name in BALANCES:  # the caller's instance reads the new balances too
        setattr(allocation, name, getattr(locked, name))
    return movement


def _refuse_if_unsound(allocation: Allocation, kind: str, available_before: Decimal) -> None:
    currency = allocation.currency
    if min(allocation.committed, allocation.claimed, allocation.reimbursed) < 0:
        raise LedgerError(_("This would take a balance below zero; nothing was changed."))
    if allocation.available >= 0:
        return
    if kind == K.ALLOCATED:
        spoken_for = allocation.committed + allocation.claimed + allocation.reimbursed
        raise LedgerError(
            _(
                "%(spoken)s of this allocation is already committed, claimed or paid: it cannot "
                "be lower than that."
            )
            % {"spoken": format_money(spoken_for, currency)}
        )
    raise LedgerError(
        _(
            "Not enough left in the allocation of %(partner)s from %(fund)s: %(available)s is "
            "available. Approve a smaller amount, or raise the allocation first."
        )
        % {
            "partner": allocation.partner.name,
            "fund": allocation.fund.name,
            "available": format_money(max(available_before, ZERO), currency),
        }
    )


def held_by(request: MdfRequest) -> Decimal:
    """What an approved request still holds of its allocation: committed for it, less what was
    released or claimed for it (reversals included)."""
    total = ZERO
    for movement in request.movements.select_related("reverses"):
        total += effects_of(movement).get("committed", ZERO)
    return total


def commit(*, request: MdfRequest, amount: Decimal, actor: "User | None", reason: str) -> Movement:
    """Commit `amount` of the request's allocation to it (an approval); `LedgerError` when the
    allocation cannot cover it."""
    return post(
        allocation=request.allocation,
        kind=K.COMMITTED,
        amount=amount,
        actor=actor,
        reason=reason,
        request=request,
    )


def release(
    *, request: MdfRequest, actor: "User | None", reason: str, amount: Decimal | None = None
) -> Movement | None:
    """Give back to the allocation what the request holds (all of it, or `amount`); None when
    it holds nothing."""
    held = held_by(request)
    amount = held if amount is None else amount
    if amount <= 0:
        return None
    if amount > held:
        raise LedgerError(
            _("The request holds %(held)s: no more can be released from it.")
            % {"held": format_money(held, request.currency)}
        )
    return post(
        allocation=request.allocation,
        kind=K.RELEASED,
        amount=amount,
        actor=actor,
        reason=reason,
        request=request,
    )


def settle_claim(*, claim: Claim, approved: Decimal, actor: "User | None", reason: str) -> None:
    """An approved claim: `approved` moves from committed to claimed (due to the partner) and
    the rest its request held goes back to the allocation."""
    request = claim.request
    held = held_by(request)
    if approved > held:
        raise LedgerError(
            _("The request holds %(held)s: a claim cannot be approved for more.")
            % {"held": format_money(held, request.currency)}
        )
    post(
        allocation=request.allocation,
        kind=K.CLAIMED,
        amount=approved,
        actor=actor,
        reason=reason,
        request=request,
        claim=claim,
    )
    if held > approved:
        release(request=request, actor=actor, reason=reason, amount=held - approved)


def reimburse(*, claim: Claim, actor: "User | None", reason: str) -> Movement:
    """A paid claim: its approved amount moves from claimed to reimbursed."""
    assert claim.approved_amount is not None
    return post(
        allocation=claim.request.allocation,
        kind=K.REIMBURSED,
        amount=claim.approved_amount,
        actor=actor,
        reason=reason,
        request=claim.request,
        claim=claim,
    )


def reverse(*, movement: Movement, actor: "User | None", reason: str) -> Movement:
    """A correction: a line that undoes `movement` (which stays, as everything in a ledger)."""
    return post(
        allocation=movement.allocation,
        kind=K.REVERSED,
        amount=movement.amount,
        actor=actor,
        reason=reason,
        request=movement.request,
        claim=movement.claim,
        reverses=movement,
    )


def movements_add_up(allocation: Allocation) -> bool:
    """Whether the allocation's balances are the sum of its movements (a consistency check for
    tests and the fund overview)."""
    sums = sums_of(allocation.movements.select_related("reverses"))
    return all(sums[name] == getattr(allocation, name) for name in BALANCES)


def fund_totals(*, fund_id: int, tenant_id: int) -> dict[str, Decimal]:
    """A fund's four balances summed over its allocations in SQL (one query)."""
    row = Allocation.objects.filter(tenant_id=tenant_id, fund_id=fund_id).aggregate(
        **{name: Sum(name, default=ZERO) for name in BALANCES}
    )
    return {name: row[name] for name in BALANCES}
