"""The commission ledger's writes: lines are only ever added (`post`, `reverse`); what moves is
a line's state (`approve_due`), and statements move lines on and pay them.

Lines are append-only: an amount is never edited. A correction is a reversing line — the
negation of the line it reverses, naming it (a one-to-one link, so a line is reversed once) —
with its reason. A line that had reached a statement is reversed by a clawback, which goes on
the partner's next statement; a line not yet on one is reversed in its own state, so both go
on the same statement and net to zero.

Idempotency: a line that must exist once (a deal's accrual under a version and outcome, a SPIF
award, a tier bonus for a period) carries a `key`; a unique constraint refuses the second, and
`post` answers None for it instead of failing: the won event delivered twice adds one line.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import Deal
from partners.models import Partner, PartnerType, Tier
from prm.money import quantize
from prm.tenancy.models import Membership
from prm.workflow import lock_row

from .models import Line, PlanVersion

if TYPE_CHECKING:
    from prm.accounts.models import User

L = Line.State
SOURCE = Line.Source


class LedgerError(ValueError):
    """A line cannot be written as asked (reversed already, zero); nothing was written."""


def post(
    *,
    partner: Partner,
    source: str,
    amount: Decimal,
    currency: str,
    earned_on: date,
    actor: "User | None",
    reason: str = "",
    key: str = "",
    deal: Deal | None = None,
    owner: Membership | None = None,
    plan_version: PlanVersion | None = None,
    partner_type: PartnerType | None = None,
    tier: Tier | None = None,
    basis: dict[str, Any] | None = None,
    hold_until: date | None = None,
    state: str = L.PENDING,
) -> Line | None:
    """Add one line to the partner's ledger, in the caller's transaction.

    `amount` is quantized here, once, in `currency`; a line of zero is not written (None). With
    a `key` the line is written once: a second `post` of the same key (a repeated event, a race
    lost on the unique constraint) writes nothing and answers None. Every row named must belong
    to the partner's tenant (ValueError otherwise).
    """
    for row in (deal, owner, plan_version, partner_type, tier):
        if row is not None and row.tenant_id != partner.tenant_id:
            raise ValueError("A commission line names rows of another tenant.")
    if deal is not None and deal.partner_id != partner.pk:
        raise ValueError("A deal's line belongs to the deal's partner.")
    amount = quantize(amount, currency)
    if not amount:
        return None
    if key and Line.objects.filter(tenant_id=partner.tenant_id, key=key).exists():
        return None
    line = Line(
        tenant_id=partner.tenant_id,
        partner=partner,
        source=source,
        amount=amount,
        currency=currency,
        state=state,
        earned_on=earned_on,
        hold_until=hold_until,
        deal=deal,
        owner=owner,
        plan_version=plan_version,
        partner_type=partner_type,
        tier=tier,
        basis=basis or {},
        key=key,
        reason=reason[:500],
        actor=actor,
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the caller's work intact
            line.save()
    except IntegrityError:
        if key and Line.objects.filter(tenant_id=partner.tenant_id, key=key).exists():
            return None
        raise
    return line


def reverse(
    *, line: Line, actor: "User | None", reason: str, earned_on: date | None = None
) -> Line:
    """Add the line that reverses `line` (its negation), with why; in the caller's transaction.

    A line on a statement or paid is reversed by a clawback for the next statement; one not yet
    on a statement is reversed in its own state and hold. Raises `LedgerError` for a line that
    is itself a reversal or was reversed already.
    """
    locked = lock_row(line)
    if locked.reverses_id is not None:
        raise LedgerError(_("A reversal is not reversed: post an adjustment instead."))
    if Line.objects.filter(tenant_id=locked.tenant_id, reverses=locked).exists():
        raise LedgerError(_("This line was reversed already."))
    reached_statement = locked.state in (L.STATEMENT, L.PAID)
    reversal = Line(
        tenant_id=locked.tenant_id,
        partner_id=locked.partner_id,
        source=SOURCE.CLAWBACK if reached_statement else locked.source,
        amount=-locked.amount,
        currency=locked.currency,
        state=L.APPROVED if reached_statement else locked.state,
        earned_on=earned_on or timezone.localdate(),
        hold_until=None if reached_statement else locked.hold_until,
        deal_id=locked.deal_id,
        owner_id=locked.owner_id,
        plan_version_id=locked.plan_version_id,
        partner_type_id=locked.partner_type_id,
        tier_id=locked.tier_id,
        basis=locked.basis,
        reverses=locked,
        reason=reason[:500],
        actor=actor,
    )
    if reversal.state == L.APPROVED:
        reversal.approved_at = timezone.now()
        reversal.approved_by = actor
    reversal.save()
    return reversal


def open_lines_of(deal: Deal) -> QuerySet[Line]:
    """The deal's accrual lines that stand: not reversals, not reversed."""
    return Line.objects.filter(
        tenant_id=deal.tenant_id,
        deal=deal,
        source=SOURCE.DEAL,
        reverses__isnull=True,
        reversed_by__isnull=True,
    )


def reverse_deal(*, deal: Deal, actor: "User | None", reason: str) -> list[Line]:
    """Reverse every accrual of the deal that stands (a deal reopened, lost, corrected)."""
    return [reverse(line=line, actor=actor, reason=reason) for line in open_lines_of(deal)]


def approve_due(lines: QuerySet[Line], *, actor: "User | None", today: date) -> int:
    """Approve the pending lines among `lines` whose hold has ended; how many were.

    One UPDATE: a line's state is the only thing that moves (its amount never does).
    """
    return (
        lines.filter(state=L.PENDING)
        .exclude(hold_until__gt=today)
        .update(state=L.APPROVED, approved_at=timezone.now(), approved_by=actor)
    )


def totals_by_currency(lines: QuerySet[Line]) -> dict[str, Decimal]:
    """The lines' sum per currency (one query; currencies are never added together)."""
    rows = lines.order_by().values("currency").annotate(total=Sum("amount"))
    return {row["currency"]: row["total"] for row in rows if row["total"] is not None}


def lines_add_up(lines: Iterable[Line]) -> dict[str, Decimal]:
    """The same sums worked out in Python (for checks and tests)."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.amount
    return totals


def lock_partner_accruals(partner_id: int) -> None:
    """Hold, until the transaction ends, the partner's accrual lock: two of its deals won at
    once are accrued one after the other, so the second sees the first in the quota."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x434F4D4D, partner_id])


# A: bulk writes for a period's recalculation (`commissions.services.recalc`): the same rules
# as `post` and `reverse` (quantized once, never zero, a key once, a line reversed once), in
# chunks of INSERTs rather than a query per line.
BULK_CHUNK = 2000


def post_many(lines: Iterable[Line]) -> int:
    """Insert new lines (unsaved `Line`s) in chunks; how many were written.

    Each amount is quantized here, once; a line of zero is left out; a keyed line whose key
    exists already is left out (ON CONFLICT DO NOTHING on the key's unique constraint), so a
    run posted twice writes once.
    """
    written = 0
    chunk: list[Line] = []

    def flush() -> int:
        if not chunk:
            return 0
        keys = [line.key for line in chunk if line.key]
        tenant_id = chunk[0].tenant_id
        taken = set(
            Line.objects.filter(tenant_id=tenant_id, key__in=keys).values_list("key", flat=True)
        )
        fresh = [line for line in chunk if not line.key or line.key not in taken]
        Line.objects.bulk_create(fresh, ignore_conflicts=True)
        chunk.clear()
        return len(fresh)

    for line in lines:
        line.amount = quantize(line.amount, line.currency)
        if not line.amount:
            continue
        chunk.append(line)
        if len(chunk) >= BULK_CHUNK:
            written += flush()
    written += flush()
    return written


def reversals_of(
    lines: Iterable[Line], *, actor: "User | None", reason_of: dict[int, str], today: date
) -> list[Line]:
    """The unsaved lines reversing `lines` (each locked and checked by the caller: not a
    reversal, not reversed), as `reverse` makes them: a clawback for a line that reached a
    statement, else a line in its own state and hold. `reason_of` maps a line's deal id to
    the reason."""
    now = timezone.now()
    made = []
    for line in lines:
        reached_statement = line.state in (L.STATEMENT, L.PAID)
        state = L.APPROVED if reached_statement else line.state
        made.append(
            Line(
                tenant_id=line.tenant_id,
                partner_id=line.partner_id,
                source=SOURCE.CLAWBACK if reached_statement else line.source,
                amount=-line.amount,
                currency=line.currency,
                state=state,
                earned_on=today,
                hold_until=None if reached_statement else line.hold_until,
                deal_id=line.deal_id,
                owner_id=line.owner_id,
                plan_version_id=line.plan_version_id,
                partner_type_id=line.partner_type_id,
                tier_id=line.tier_id,
                basis=line.basis,
                reverses_id=line.pk,
                reason=reason_of.get(line.deal_id or 0, "")[:500],
                actor=actor,
                approved_at=now if state == L.APPROVED else None,
                approved_by=actor if state == L.APPROVED else None,
            )
        )
    return made
