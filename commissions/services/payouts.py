"""Paying approved statements: partner operations (`commissions.pay`) mark one paid with its
date and payment reference, or gather the approved unpaid statements of one currency in a
payout batch, hand its CSV to accounts payable, and load the CSV back with the references and
dates, marking each paid. The same flow as MDF's payment batches (`mdf.services.payments`).

What is paid is a statement's closing balance in the batch's currency when above zero
(`StatementTotal.payable`); a statement whose closing is zero or below has nothing to pay: it is
marked paid "with nothing to pay" (its negative balance is carried into the partner's next
statement by `period_close`). A paid statement's lines become PAID. A batch whose statements
are all paid is settled. Loading a batch's CSV is all or nothing.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deals.events import tenant_day
from prm.audit.services import audit_record
from prm.csvio.importing import ImportColumn
from prm.csvio.payments import PaidFile, check_payment, reference_number
from prm.exchange.services import tenant_today
from prm.money import format_money
from prm.tenancy.enqueue import enqueue_on_commit
from prm.tenancy.models import Membership

from .. import events
from ..models import Line, PayoutBatch, Statement, StatementTotal
from ..numbers import next_number
from ..workflow import STATEMENTS
from .statements import statements_visible_to

S = Statement.Status


def require_payer(actor: Membership) -> None:
    """Vendor staff who may pay statements (partner operations, program leaders)."""
    if actor.is_partner_user or not actor.can("commissions.pay"):
        raise PermissionDenied


def due_statements(actor: Membership) -> QuerySet[Statement]:
    """The approved statements not yet paid that the member sees, oldest period first."""
    return (
        statements_visible_to(actor)
        .filter(status=S.APPROVED)
        .order_by("period_end", "partner__name", "id")
        .select_related("partner")
    )


def payable_text(statement: Statement) -> str:
    """What the statement pays, per currency ("€1,200.00"), or that it pays nothing."""
    totals = [t for t in statement.totals.all() if t.payable > 0]
    if not totals:
        return _("nothing to pay")
    return ", ".join(format_money(t.payable, t.currency) for t in totals)


def _pay(actor: Membership, statement: Statement, paid_on: date, reference: str) -> Statement:
    """Mark one statement paid in the caller's transaction: its row lock, its lines PAID, one
    audit line and the `commissions.statement.paid` event."""

    def authorize(row: Statement) -> None:
        require_payer(actor)
        if row.tenant_id != actor.tenant_id:
            raise PermissionDenied

    def prepare(row: Statement) -> None:
        Line.objects.filter(tenant_id=row.tenant_id, statement=row).update(state=Line.State.PAID)

    paid = STATEMENTS.transition(
        statement,
        "pay",
        actor=actor.user,
        authorize=authorize,
        prepare=prepare,
        changes={
            "paid_on": paid_on,
            "payment_reference": reference,
            "paid_by": actor.user,
            "pdf": "",
        },
        reason=reference,
        after={"paid_on": paid_on.isoformat(), "reference": reference},
        event=events.STATEMENT_PAID,
        data={
            "paid_on": tenant_day(actor.tenant, paid_on),
            "reference": reference,
            "statement_id": statement.pk,
        },
    )
    if paid.batch_id is not None:
        _settle_if_done(paid.batch_id, paid.tenant_id)
    # The stored PDF said "approved": the paid statement's is made again, with its payment.
    from ..tasks import statement_pdf_store_task

    enqueue_on_commit(statement_pdf_store_task, tenant_id=paid.tenant_id, statement_id=paid.pk)
    return paid


def _settle_if_done(batch_id: int, tenant_id: int) -> None:
    """A batch whose statements are all paid is settled."""
    unpaid = Statement.objects.filter(tenant_id=tenant_id, batch_id=batch_id).exclude(status=S.PAID)
    if not unpaid.exists():
        PayoutBatch.objects.filter(tenant_id=tenant_id, pk=batch_id, settled_at=None).update(
            settled_at=timezone.now()
        )


def statement_mark_paid(
    *, actor: Membership, statement: Statement, paid_on: date, reference: str
) -> Statement:
    """Mark one approved statement paid on `paid_on` with the payment `reference` (shown to the
    partner); its lines become paid. A statement with nothing to pay (closing ≤ 0) is marked
    paid the same way, with the reference saying so."""
    require_payer(actor)
    reference = check_payment(
        paid_on=paid_on, reference=reference, today=tenant_today(actor.tenant)
    )
    if not statements_visible_to(actor).filter(pk=statement.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        return _pay(actor, statement, paid_on, reference)


def batch_currencies(actor: Membership) -> list[str]:
    """The currencies with something to pay on due statements not in a batch yet."""
    due = due_statements(actor).filter(batch__isnull=True)
    found = (
        StatementTotal.objects.filter(
            tenant_id=actor.tenant_id, statement__in=due.values("id"), closing__gt=0
        )
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )
    return list(found)


def nothing_to_pay(actor: Membership) -> QuerySet[Statement]:
    """Due statements (not in a batch) that pay nothing in any currency: closing ≤ 0."""
    positive = StatementTotal.objects.filter(statement=OuterRef("pk"), closing__gt=0)
    return due_statements(actor).filter(batch__isnull=True).exclude(Exists(positive))


def _paying_only(actor: Membership, currency: str) -> QuerySet[Statement]:
    """Due statements not in a batch that pay in `currency` and in no other currency (one
    paying in several is paid one by one: a batch is one currency)."""
    pays_here = StatementTotal.objects.filter(
        statement=OuterRef("pk"), currency=currency, closing__gt=0
    )
    pays_elsewhere = StatementTotal.objects.filter(statement=OuterRef("pk"), closing__gt=0).exclude(
        currency=currency
    )
    return (
        due_statements(actor)
        .filter(batch__isnull=True)
        .filter(Exists(pays_here))
        .exclude(Exists(pays_elsewhere))
    )


NOTHING_TO_PAY = gettext_lazy("nothing to pay")


def batch_create(*, actor: Membership, currency: str) -> tuple[PayoutBatch, int]:
    """A payout batch of every due statement paying in `currency` not in a batch yet (refused
    when there is none). Due statements with nothing to pay (closing ≤ 0 in every currency) are
    marked paid on the way, with "nothing to pay" as their reference; how many is returned
    beside the batch. Each statement's history says it was batched."""
    require_payer(actor)
    today = tenant_today(actor.tenant)
    with transaction.atomic():
        statements = list(_paying_only(actor, currency).select_for_update(of=("self",)))
        if not statements:
            raise ValidationError(
                {"currency": _("No approved statement in this currency waits for payment.")}
            )
        empty = list(nothing_to_pay(actor).select_for_update(of=("self",)))
        for statement in empty:
            _pay(actor, statement, today, str(NOTHING_TO_PAY))
        batch = PayoutBatch.objects.create(
            tenant=actor.tenant,
            number=next_number(actor.tenant, "last_batch_number"),
            currency=currency,
            created_by=actor.user,
        )
        audit_record(
            tenant=batch.tenant,
            actor=actor.user,
            action="commissions.batch.created",
            obj=batch,
            after={"statements": len(statements), "currency": currency},
        )
        for statement in statements:
            STATEMENTS.transition(
                statement,
                "batch",
                actor=actor.user,
                authorize=lambda row: require_payer(actor),
                changes={"batch": batch},
                after={"batch": batch.reference},
                event=None,
                audit="commissions.statement.batched",
            )
    return batch, len(empty)


def batch_statements(batch: PayoutBatch) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(tenant_id=batch.tenant_id, batch=batch)
        .select_related("partner")
        .prefetch_related("totals")
        .order_by("partner__name", "number")
    )


def batch_amount(statement: Statement, currency: str) -> Decimal:
    """What the statement pays in the batch's currency."""
    for total in statement.totals.all():
        if total.currency == currency:
            return total.payable
    return Decimal("0.00")


#: the batch's CSV for accounts payable (and the columns read back)
EXPORT_HEADER = [
    "batch",
    "statement",
    "partner",
    "amount",
    "currency",
    "payment_reference",
    "paid_on",
]


def batch_lines(batch: PayoutBatch) -> Iterator[Sequence[Any]]:
    """The batch's rows for accounts payable: one per statement, the reference and date to
    fill in."""
    for statement in batch_statements(batch):
        yield [
            batch.reference,
            statement.reference,
            statement.partner.name,
            batch_amount(statement, batch.currency),
            batch.currency,
            statement.payment_reference,
            statement.paid_on.isoformat() if statement.paid_on else "",
        ]


def statement_number(text: str) -> int | None:
    """The number of a statement reference ("CS-000042" → 42), None for anything else."""
    return reference_number(text, "CS-")


def _not_payable(statement: Statement) -> str | None:
    if statement.status == S.PAID:
        return _("%(statement)s was paid already (on %(day)s, reference %(ref)s).") % {
            "statement": statement.reference,
            "day": statement.paid_on.isoformat() if statement.paid_on else "",
            "ref": statement.payment_reference,
        }
    return None


#: the batch's paid file (`prm.csvio.payments`): the statement column, and this app's sentences
PAID_FILE: PaidFile[Statement, PayoutBatch] = PaidFile(
    key=ImportColumn(
        "statement",
        gettext_lazy("statement"),
        gettext_lazy("The statement's reference, CS-000042."),
        True,
        "CS-000042",
    ),
    parse=statement_number,
    export_header=EXPORT_HEADER,
    not_in_batch=lambda text, batch: (
        _("%(statement)s is not a statement of %(batch)s.")
        % {"statement": text, "batch": batch.reference}
    ),
    refusal=_not_payable,
    twice=lambda statement: (
        _("%(statement)s is in the file twice.") % {"statement": statement.reference}
    ),
)
IMPORT_COLUMNS = PAID_FILE.columns


def batch_import(*, actor: Membership, batch: PayoutBatch, upload: UploadedFile) -> int:
    """Mark the batch's statements paid from its CSV with payment references and dates, all or
    nothing (`prm.csvio.payments`). Raises `ValidationError` (the file as a whole) or
    `RowErrors` (each row's problem: not a statement of the batch, paid already, twice in the
    file, a missing value); returns how many were marked paid. One audit line for the file,
    beside each statement's own."""
    require_payer(actor)
    with transaction.atomic():
        count = PAID_FILE.load(
            upload,
            batch=batch,
            rows=Statement.objects.filter(tenant_id=batch.tenant_id, batch=batch),
            today=tenant_today(actor.tenant),
            pay=lambda statement, paid_on, reference: _pay(actor, statement, paid_on, reference),
        )
        audit_record(
            tenant=batch.tenant,
            actor=actor.user,
            action="commissions.batch.paid",
            obj=batch,
            after={"statements": count, "batch": batch.reference},
        )
    return count


ZERO = Decimal("0.00")


def batch_totals(batches: Iterable[PayoutBatch]) -> dict[int, Decimal]:
    """What each batch pays in its currency (one query for the whole page of batches)."""
    currency_of = {b.pk: b.currency for b in batches}
    totals: dict[int, Decimal] = {}
    rows = StatementTotal.objects.filter(
        statement__batch_id__in=list(currency_of), closing__gt=0
    ).values_list("statement__batch_id", "currency", "closing")
    for batch_id, currency, closing in rows:
        if currency == currency_of[batch_id]:
            totals[batch_id] = totals.get(batch_id, ZERO) + closing
    return totals
