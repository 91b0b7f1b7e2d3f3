"""Statements: closing a period drafts each partner's statement; partner operations review and
approve it; the partner reads it in the portal.

Closing a period (`period_close`) is set-based: partners are taken a chunk at a time, and a
chunk costs a fixed handful of queries whatever its number of lines (the lines move onto their
statements in one UPDATE, the totals are one aggregate and one INSERT). Only the announcement,
one `commissions.statement.drafted` event per new statement, is per partner.

Invariants:

- A statement holds approved lines of its partner earned up to its period's end and not on an
  earlier statement; each line is on at most one statement (its `statement` foreign key).
- Totals are per currency, never summed across currencies: `lines_total` is the sum of the
  statement's (quantized) lines, `opening` the previous statement's closing when that was
  negative (a clawback larger than the earnings is taken from the next payout), and
  `closing = opening + lines_total` (a check constraint).
- One statement per partner and period (a unique constraint). Closing a period again refreshes
  a draft with the lines approved since; an approved or paid statement is never touched: lines
  that come after it wait for the next period.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.events import tenant_day
from prm.audit.services import audit_record
from prm.exchange.services import tenant_today
from prm.metrics.periods import Period
from prm.notifications.log import log_action
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.partner_access import visible_partners

from .. import events, ledger
from ..accrual import statement_period
from ..engine import explain
from ..models import CommissionSettings, Line, Statement, StatementTotal
from ..numbers import reserve_numbers
from ..setup import commission_settings
from ..workflow import STATEMENTS

if TYPE_CHECKING:
    from prm.accounts.models import User

S = Statement.Status
L = Line.State

#: partners closed per transaction: big enough to be set-based, small enough that a killed
#: run loses little and other writers wait little
CHUNK = 500
#: lines on one screen of a statement's page (admin and portal)
LINES_PER_PAGE = 100


# -- who sees which statements --------------------------------------------------------------


def statements_visible_to(membership: Membership) -> QuerySet[Statement]:
    """The tenant's statements this member may see: vendor staff with `commissions.view` those
    of the partners they see (a CAM: their assigned partners'), drafts included; a partner
    admin (`portal.earnings.company`) the company's approved and paid ones, never a draft;
    anyone else none. Fetch with `get_object_or_404(statements_visible_to(m), pk=...)`."""
    statements = Statement.objects.filter(tenant_id=membership.tenant_id)
    if not membership.is_partner_user and membership.can("commissions.view"):
        return statements.filter(partner__in=visible_partners(membership))
    if membership.partner_id is not None and membership.can("portal.earnings.company"):
        return statements.filter(partner_id=membership.partner_id).exclude(status=S.DRAFT)
    return statements.none()


def statement_lines(statement: Statement) -> QuerySet[Line]:
    """The statement's lines, newest earned first (a stable order for keyset pages)."""
    return (
        Line.objects.filter(tenant_id=statement.tenant_id, statement=statement)
        .select_related("deal")
        .order_by("-earned_on", "-id")
    )


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD day from a query string; None for anything else (never an error)."""
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def parse_cursor(value: str | None) -> tuple[date, int] | None:
    """A keyset cursor "YYYY-MM-DD.id" (the last line shown); None for anything else."""
    if not value or "." not in value or len(value) > 40:
        return None
    day_text, _dot, id_text = value.partition(".")
    day = parse_day(day_text)
    if day is None or not id_text.isdigit() or len(id_text) > 18:
        return None
    return day, int(id_text)


@dataclass(frozen=True)
class LinesPage:
    lines: list[Line]
    next_cursor: str
    first: bool


def lines_page(statement: Statement, cursor: str | None, size: int = LINES_PER_PAGE) -> LinesPage:
    """One screen of the statement's lines, newest earned first, after `cursor` (keyset: the
    same two queries for a statement of 200 lines as of 20,000, on any screen)."""
    lines = statement_lines(statement)
    after = parse_cursor(cursor)
    if after is not None:
        day, pk = after
        lines = lines.filter(Q(earned_on__lt=day) | Q(earned_on=day, id__lt=pk))
    found = list(lines[: size + 1])
    more = len(found) > size
    shown = found[:size]
    last = shown[-1] if shown else None
    return LinesPage(
        lines=shown,
        next_cursor=f"{last.earned_on.isoformat()}.{last.pk}" if more and last else "",
        first=after is None,
    )


def require_approver(actor: Membership) -> None:
    if actor.is_partner_user or not actor.can("commissions.approve"):
        raise PermissionDenied


# -- the period ------------------------------------------------------------------------------


def last_ended_period(settings: CommissionSettings, today: date) -> Period:
    """The tenant's last statement period that has ended before `today`."""
    current = statement_period(settings, today)
    return statement_period(settings, current.start - timedelta(days=1))


def period_of(settings: CommissionSettings, day: date) -> Period:
    """The statement period holding `day` (a month or a quarter, by the tenant's setting)."""
    return statement_period(settings, day)


def ended_periods(settings: CommissionSettings, today: date, count: int = 12) -> list[Period]:
    """The last `count` ended periods, newest first (what the close page offers)."""
    found: list[Period] = []
    period = last_ended_period(settings, today)
    for _n in range(count):
        found.append(period)
        period = statement_period(settings, period.start - timedelta(days=1))
    return found


def period_label(tenant: Tenant, period: Period) -> str:
    return _("%(start)s to %(end)s") % {
        "start": tenant_day(tenant, period.start),
        "end": tenant_day(tenant, period.end),
    }


def check_ended(tenant: Tenant, period: Period) -> None:
    if period.end >= tenant_today(tenant):
        raise ValidationError(
            {
                "period": _(
                    "The period %(period)s has not ended yet: a period is closed from the day "
                    "after its last day."
                )
                % {"period": period_label(tenant, period)}
            }
        )


def _due_lines(tenant: Tenant, period: Period, partner_ids: Sequence[int] | None) -> QuerySet[Line]:
    """Approved lines earned up to the period's end and on no statement yet."""
    lines = Line.objects.filter(
        tenant_id=tenant.pk, state=L.APPROVED, statement__isnull=True, earned_on__lte=period.end
    )
    return lines.filter(partner_id__in=partner_ids) if partner_ids is not None else lines


def _carried(
    tenant: Tenant, period: Period, partner_ids: Sequence[int] | None
) -> dict[int, dict[str, Decimal]]:
    """Each partner's negative closing balances (per currency) on its statement before the
    period: what its statement for the period opens with. Two queries."""
    previous = (
        Statement.objects.filter(tenant_id=tenant.pk, period_start__lt=period.start)
        .order_by("partner_id", "-period_start", "-id")
        .distinct("partner_id")
    )
    if partner_ids is not None:
        previous = previous.filter(partner_id__in=partner_ids)
    negative = StatementTotal.objects.filter(
        tenant_id=tenant.pk, statement_id__in=previous.values("id"), closing__lt=0
    ).values_list("statement__partner_id", "currency", "closing")
    carried: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for partner_id, currency, closing in negative:
        carried[partner_id][currency] = closing
    return carried


@dataclass(frozen=True)
class ClosePreview:
    """What closing a period will take: partners with lines to put on a statement (or a
    negative balance to carry), the lines, and the pending lines it will approve first."""

    period: Period
    partners: int
    lines: int
    to_approve: int
    drafts: int
    locked: int


def period_preview(*, tenant: Tenant, period: Period) -> ClosePreview:
    """The figures the close page shows before it is confirmed (a few queries)."""
    settings = commission_settings(tenant)
    today = tenant_today(tenant)
    to_approve = 0
    if settings.auto_approve:
        to_approve = (
            Line.objects.filter(tenant_id=tenant.pk, state=L.PENDING, earned_on__lte=period.end)
            .exclude(hold_until__gt=today)
            .count()
        )
    due = _due_lines(tenant, period, None)
    partners = _partners_to_close(tenant, period, None)
    existing = dict(
        Statement.objects.filter(tenant_id=tenant.pk, period_start=period.start).values_list(
            "partner_id", "status"
        )
    )
    return ClosePreview(
        period=period,
        partners=len(partners),
        lines=due.count(),
        to_approve=to_approve,
        drafts=sum(1 for s in existing.values() if s == S.DRAFT),
        locked=sum(1 for s in existing.values() if s != S.DRAFT),
    )


@dataclass
class CloseResult:
    period: Period
    drafted: int = 0
    refreshed: int = 0
    skipped: int = 0
    lines: int = 0
    approved: int = 0


def _close_lock(tenant: Tenant) -> None:
    """Two runs closing the same tenant's periods take turns (numbers, one statement per
    partner and period): until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x434C4F53, tenant.pk])


def _partners_to_close(
    tenant: Tenant, period: Period, partner_ids: Sequence[int] | None
) -> list[int]:
    """The partners the run takes: approved lines due, or a negative balance to carry into a
    statement the period does not have yet. Sorted, so a resumed run takes the same chunks."""
    with_lines = set(
        _due_lines(tenant, period, partner_ids)
        .order_by()
        .values_list("partner_id", flat=True)
        .distinct()
    )
    carrying = set(_carried(tenant, period, partner_ids))
    if carrying:
        has_one = set(
            Statement.objects.filter(
                tenant_id=tenant.pk, period_start=period.start, partner_id__in=carrying
            ).values_list("partner_id", flat=True)
        )
        carrying -= has_one
    return sorted(with_lines | carrying)


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def period_close(
    *,
    actor: Membership | None,
    period: Period,
    tenant: Tenant | None = None,
    partner_ids: Sequence[int] | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CloseResult:
    """Draft or refresh every partner's statement for `period` (ended: `ValidationError`
    otherwise). `actor` is the member closing it (`commissions.approve`), or None for beat,
    which names the `tenant`. `partner_ids` narrows the run to some partners.

    First, when the tenant approves lines by themselves (`auto_approve`), the pending lines
    earned by the period's end whose hold has ended are approved. Then, a chunk of partners per
    transaction: a new DRAFT statement for each partner without one for the period (numbered at
    once), an existing draft refreshed, an approved or paid one left alone (`skipped`); the due
    lines move onto their statement (state STATEMENT) in one UPDATE, and each statement's totals
    per currency are worked out again from its lines and the carried balance.

    Each new statement announces `commissions.statement.drafted`; a refreshed draft is audited.
    Resumable and idempotent: a partner whose lines are all on its statement already is not
    taken again, so a run killed half-way and started again finishes the rest, and closing a
    closed period changes nothing. `progress(done, total)` is called after each chunk; the
    run stops between chunks once `cancelled()` is true (what is done stays done).
    """
    if actor is not None:
        require_approver(actor)
        tenant = actor.tenant
    if tenant is None:
        raise ValueError("period_close() needs the tenant when no member acts.")
    check_ended(tenant, period)
    user = actor.user if actor is not None else None
    settings = commission_settings(tenant)
    result = CloseResult(period=period)
    if settings.auto_approve:
        with transaction.atomic():
            lines = Line.objects.filter(tenant_id=tenant.pk, earned_on__lte=period.end)
            if partner_ids is not None:
                lines = lines.filter(partner_id__in=partner_ids)
            result.approved = ledger.approve_due(lines, actor=user, today=tenant_today(tenant))
    partners = _partners_to_close(tenant, period, partner_ids)
    done = 0
    if progress is not None:
        progress(0, len(partners))
    for ids in _chunks(partners, chunk):
        if cancelled is not None and cancelled():
            break
        with transaction.atomic():
            _close_chunk(tenant, period, ids, user, result)
        done += len(ids)
        if progress is not None:
            progress(done, len(partners))
    return result


def _close_chunk(
    tenant: Tenant, period: Period, ids: Sequence[int], user: "User | None", result: CloseResult
) -> None:
    """One chunk of `period_close`, in its transaction: a fixed number of queries, plus the
    event of each new statement."""
    _close_lock(tenant)
    existing = {
        s.partner_id: s
        for s in Statement.objects.filter(
            tenant_id=tenant.pk, period_start=period.start, partner_id__in=ids
        ).select_for_update()
    }
    locked = {pid for pid, s in existing.items() if s.status != S.DRAFT}
    result.skipped += len(locked)
    new_ids = [pid for pid in ids if pid not in existing]
    numbers = reserve_numbers(tenant, "last_statement_number", len(new_ids))
    created = Statement.objects.bulk_create(
        [
            Statement(
                tenant=tenant,
                partner_id=pid,
                number=number,
                period_start=period.start,
                period_end=period.end,
                status=S.DRAFT,
            )
            for pid, number in zip(new_ids, numbers, strict=True)
        ]
    )
    fill = [pid for pid in ids if pid not in locked]
    if not fill:
        return
    statement_of = Statement.objects.filter(
        tenant_id=tenant.pk, partner_id=OuterRef("partner_id"), period_start=period.start
    ).values("id")[:1]
    result.lines += _due_lines(tenant, period, fill).update(
        state=L.STATEMENT, statement_id=Subquery(statement_of)
    )
    drafts = {s.partner_id: s for s in created}
    drafts.update({pid: s for pid, s in existing.items() if pid not in locked})
    _write_totals(tenant, period, drafts)
    for statement in existing.values():
        if statement.status == S.DRAFT:
            audit_record(
                tenant=tenant,
                actor=user,
                action="commissions.statement.refreshed",
                obj=statement,
                after={"period_end": period.end.isoformat()},
            )
    result.refreshed += len(existing) - len(locked)
    result.drafted += len(created)
    _announce_drafted(tenant, [s.pk for s in created], user)


def _write_totals(tenant: Tenant, period: Period, drafts: dict[int, Statement]) -> None:
    """Each draft's totals per currency, from its lines and the carried balance (3 queries)."""
    if not drafts:
        return
    by_statement = {s.pk: pid for pid, s in drafts.items()}
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        Line.objects.filter(tenant_id=tenant.pk, statement_id__in=list(by_statement))
        .order_by()
        .values("statement_id", "currency")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        sums[row["statement_id"]][row["currency"]] = row["total"]
    carried = _carried(tenant, period, list(drafts))
    StatementTotal.objects.filter(tenant_id=tenant.pk, statement_id__in=list(by_statement)).delete()
    totals = []
    for statement_id, partner_id in by_statement.items():
        lines = sums.get(statement_id, {})
        opening = carried.get(partner_id, {})
        for currency in sorted(set(lines) | set(opening)):
            start = opening.get(currency, Decimal("0.00"))
            total = lines.get(currency, Decimal("0.00"))
            totals.append(
                StatementTotal(
                    tenant=tenant,
                    statement_id=statement_id,
                    currency=currency,
                    opening=start,
                    lines_total=total,
                    closing=start + total,
                )
            )
    StatementTotal.objects.bulk_create(totals)


def _announce_drafted(tenant: Tenant, pks: list[int], user: "User | None") -> None:
    if not pks:
        return
    statements = (
        Statement.objects.filter(tenant_id=tenant.pk, pk__in=pks)
        .select_related("partner", "tenant")
        .prefetch_related("totals")
    )
    for statement in statements:
        log_action(
            event=events.STATEMENT_DRAFTED,
            tenant=tenant,
            actor=user,
            obj=statement,
            after={"status": statement.status, "period_end": statement.period_end.isoformat()},
            data=events.statement_event_data(statement, statement_id=statement.pk),
        )


# -- approving -------------------------------------------------------------------------------


def next_payout_day(settings: CommissionSettings, today: date) -> date:
    """The next payout day (`payout_day` of a month) on or after `today`."""
    if today.day <= settings.payout_day:
        return today.replace(day=settings.payout_day)
    following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=settings.payout_day)


def statement_approve(*, actor: Membership, statement: Statement, note: str = "") -> Statement:
    """Approve a draft statement: its lines and totals are final, the partner's admins can read
    and download it, and `commissions.statement.ready` tells them when it will be paid (the
    next payout day). Refused (`TransitionError`) for one that is not a draft;
    `PermissionDenied` for a member who may not approve or does not see the partner."""
    require_approver(actor)
    if not statements_visible_to(actor).filter(pk=statement.pk).exists():
        raise PermissionDenied
    payout_on = next_payout_day(commission_settings(actor.tenant), tenant_today(actor.tenant))
    with transaction.atomic():
        approved = STATEMENTS.transition(
            statement,
            "approve",
            actor=actor.user,
            changes={"approved_at": timezone.now(), "approved_by": actor.user},
            reason=note,
            event=events.STATEMENT_READY,
            data={"payout_on": tenant_day(actor.tenant, payout_on), "statement_id": statement.pk},
        )
        from ..tasks import statement_pdf_store_task

        enqueue_on_commit(
            statement_pdf_store_task, tenant_id=approved.tenant_id, statement_id=approved.pk
        )
    return approved


@dataclass(frozen=True)
class BulkApproval:
    approved: list[Statement]
    refused: list[tuple[Statement, str]]


def statements_approve(
    *, actor: Membership, statements: Iterable[Statement], note: str = ""
) -> BulkApproval:
    """Approve several drafts (the list's bulk action): each in its own transaction, so one
    refused (approved meanwhile) leaves the others approved; the refusals come back with why."""
    require_approver(actor)
    done: list[Statement] = []
    refused: list[tuple[Statement, str]] = []
    for statement in statements:
        try:
            done.append(statement_approve(actor=actor, statement=statement, note=note))
        except ValidationError as exc:
            refused.append((statement, " ".join(exc.messages)))
    return BulkApproval(done, refused)


# -- the statement's CSV -----------------------------------------------------------------------

CSV_HEADER = [
    "statement",
    "earned_on",
    "source",
    "deal",
    "description",
    "amount",
    "currency",
]


def line_description(line: Line) -> str:
    """What a line is, in words: how a deal's commission was worked out, or the reason given
    (an adjustment, a reversal, a clawback)."""
    if line.source == Line.Source.DEAL and line.reverses_id is None and line.basis:
        return explain(line.basis)
    return line.reason


def statement_csv_rows(statement: Statement) -> Iterator[Sequence[Any]]:
    """The statement's CSV: one row per line (newest first, read in batches), then its totals
    per currency (opening, lines, closing)."""
    sources = dict(Line.Source.choices)
    for line in statement_lines(statement).iterator(chunk_size=2000):
        yield [
            statement.reference,
            line.earned_on.isoformat(),
            str(sources.get(line.source, line.source)),
            line.deal.reference if line.deal_id is not None and line.deal else "",
            line_description(line),
            line.amount,
            line.currency,
        ]
    for total in statement.totals.all():
        for label, amount in (
            (_("Opening balance"), total.opening),
            (_("Lines"), total.lines_total),
            (_("Closing balance"), total.closing),
        ):
            yield [statement.reference, "", "", "", label, amount, total.currency]
