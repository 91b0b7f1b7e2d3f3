"""Paying approved claims: partner operations (`mdf.pay`) mark one paid with its date and
payment reference, or gather the due claims of one currency in a payment batch, hand its CSV to
accounts payable, and load the CSV back with the references and dates, marking each paid.

A paid claim's approved amount moves from claimed to reimbursed on the ledger
(`ledger.reimburse`) and the partner sees "paid on <date>, reference <ref>". Loading a batch's
CSV is all or nothing: every row is checked first (a claim not in the batch, one paid already,
a missing reference or date), and only a file without errors marks anything.
"""

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.audit.services import audit_record
from prm.csvio.importing import ImportColumn
from prm.csvio.payments import PaidFile, check_payment, reference_number
from prm.money import format_money
from prm.tenancy.models import Membership

from .. import events, ledger
from ..access import claims_visible_to
from ..events import tenant_day
from ..models import Claim, PaymentBatch
from ..numbers import next_number
from ..workflow import CLAIMS

C = Claim.Status


def require_payer(actor: Membership) -> None:
    """Vendor staff who may pay claims (partner operations, program leaders)."""
    if actor.is_partner_user or not actor.can("mdf.pay"):
        raise PermissionDenied


def due_claims(actor: Membership) -> QuerySet[Claim]:
    """The approved claims not yet paid that the member sees, oldest decision first."""
    return (
        claims_visible_to(actor)
        .filter(status=C.APPROVED)
        .order_by("decided_at", "id")
        .select_related("partner", "request")
    )


def _pay(actor: Membership, claim: Claim, paid_on: date, reference: str) -> Claim:
    """Mark one claim paid inside the caller's transaction (its row lock, the ledger line,
    one audit line and the `mdf.claim.paid` event)."""

    def authorize(row: Claim) -> None:
        require_payer(actor)
        if row.tenant_id != actor.tenant_id:
            raise PermissionDenied

    paid = CLAIMS.transition(
        claim,
        "pay",
        actor=actor.user,
        authorize=authorize,
        prepare=lambda row: _reimburse(row, actor, paid_on, reference),
        changes={"paid_on": paid_on, "payment_reference": reference, "paid_by": actor.user},
        reason=reference,
        after={"paid_on": paid_on.isoformat(), "reference": reference},
        event=events.CLAIM_PAID,
        data=lambda row: {
            "approved": format_money(row.approved_amount, row.currency),
            "paid_on": tenant_day(row.tenant, paid_on),
            "reference": reference,
        },
    )
    if paid.batch_id is not None:
        _settle_if_done(paid.batch_id, paid.tenant_id)
    return paid


def _reimburse(row: Claim, actor: Membership, paid_on: date, reference: str) -> None:
    ledger.reimburse(
        claim=row,
        actor=actor.user,
        reason=_("Paid on %(day)s, reference %(ref)s")
        % {"day": paid_on.isoformat(), "ref": reference},
    )


def _settle_if_done(batch_id: int, tenant_id: int) -> None:
    """A batch whose claims are all paid is settled."""
    open_claims = Claim.objects.filter(tenant_id=tenant_id, batch_id=batch_id).exclude(
        status=C.PAID
    )
    if not open_claims.exists():
        PaymentBatch.objects.filter(tenant_id=tenant_id, pk=batch_id, settled_at=None).update(
            settled_at=timezone.now()
        )


def claim_mark_paid(*, actor: Membership, claim: Claim, paid_on: date, reference: str) -> Claim:
    """Mark one approved claim paid on `paid_on` with the payment `reference` (shown to the
    partner); its amount moves from claimed to reimbursed."""
    require_payer(actor)
    reference = check_payment(paid_on=paid_on, reference=reference, today=timezone.localdate())
    if not claims_visible_to(actor).filter(pk=claim.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        return _pay(actor, claim, paid_on, reference)


def batch_currencies(actor: Membership) -> list[str]:
    """The currencies of the due claims not in a batch yet (what a new batch may gather)."""
    found = (
        due_claims(actor)
        .filter(batch__isnull=True)
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )
    return list(found)


def batch_create(*, actor: Membership, currency: str) -> PaymentBatch:
    """A payment batch of every due claim in `currency` not in a batch yet (refused when there
    is none). Each claim's history says it was added."""
    require_payer(actor)
    with transaction.atomic():
        claims = list(
            due_claims(actor)
            .filter(batch__isnull=True, currency=currency)
            .select_for_update(of=("self",))
        )
        if not claims:
            raise ValidationError(
                {"currency": _("No approved claim in this currency is waiting for payment.")}
            )
        batch = PaymentBatch.objects.create(
            tenant=actor.tenant,
            number=next_number(actor.tenant, "last_batch_number"),
            currency=currency,
            created_by=actor.user,
        )
        audit_record(
            tenant=batch.tenant,
            actor=actor.user,
            action="mdf.batch.created",
            obj=batch,
            after={"claims": len(claims), "currency": currency},
        )
        for claim in claims:
            CLAIMS.transition(
                claim,
                "batch",
                actor=actor.user,
                authorize=lambda row: require_payer(actor),
                changes={"batch": batch},
                after={"batch": batch.reference},
                event=None,
                audit="mdf.claim.batched",
            )
    return batch


#: the batch's CSV for accounts payable (and the columns read back)
EXPORT_HEADER = [
    "batch",
    "claim",
    "partner",
    "amount",
    "currency",
    "request",
    "payment_reference",
    "paid_on",
]


def batch_lines(batch: PaymentBatch) -> Iterator[Sequence[Any]]:
    """The batch's rows for accounts payable: one per claim, the reference and date to fill."""
    claims = (
        Claim.objects.filter(tenant_id=batch.tenant_id, batch=batch)
        .select_related("partner", "request")
        .order_by("partner__name", "number")
    )
    for claim in claims:
        yield [
            batch.reference,
            claim.reference,
            claim.partner.name,
            claim.approved_amount,
            claim.currency,
            claim.request.reference,
            claim.payment_reference,
            claim.paid_on.isoformat() if claim.paid_on else "",
        ]


def claim_number(text: str) -> int | None:
    """The number of a claim reference ("CL-000042" → 42), None for anything else."""
    return reference_number(text, "CL-")


def _not_payable(claim: Claim) -> str | None:
    if claim.status == C.PAID:
        return _("%(claim)s was paid already (on %(day)s, reference %(ref)s).") % {
            "claim": claim.reference,
            "day": claim.paid_on.isoformat() if claim.paid_on else "",
            "ref": claim.payment_reference,
        }
    if claim.status != C.APPROVED:
        return _("%(claim)s is not due.") % {"claim": claim.reference}
    return None


#: the batch's paid file (`prm.csvio.payments`): the claim column, and this app's sentences
PAID_FILE: PaidFile[Claim, PaymentBatch] = PaidFile(
    key=ImportColumn(
        "claim",
        gettext_lazy("claim"),
        gettext_lazy("The claim's reference, CL-000042."),
        True,
        "CL-000042",
    ),
    parse=claim_number,
    export_header=EXPORT_HEADER,
    not_in_batch=lambda text, batch: (
        _("%(claim)s is not a claim of %(batch)s.") % {"claim": text, "batch": batch.reference}
    ),
    refusal=_not_payable,
    twice=lambda claim: _("%(claim)s is in the file twice.") % {"claim": claim.reference},
)
IMPORT_COLUMNS = PAID_FILE.columns


def batch_import(*, actor: Membership, batch: PaymentBatch, upload: UploadedFile) -> int:
    """Mark the batch's claims paid from its CSV with payment references and dates, all or
    nothing (`prm.csvio.payments`). Raises `ValidationError` (the file as a whole) or
    `RowErrors` (each row's problem: not a claim of the batch, paid already, not due, twice in
    the file, a missing value); returns how many were marked paid. One audit line for the
    file, beside each claim's own."""
    require_payer(actor)
    with transaction.atomic():
        count = PAID_FILE.load(
            upload,
            batch=batch,
            rows=Claim.objects.filter(tenant_id=batch.tenant_id, batch=batch),
            today=timezone.localdate(),
            pay=lambda claim, paid_on, reference: _pay(actor, claim, paid_on, reference),
        )
        audit_record(
            tenant=batch.tenant,
            actor=actor.user,
            action="mdf.batch.paid",
            obj=batch,
            after={"claims": count, "batch": batch.reference},
        )
    return count
