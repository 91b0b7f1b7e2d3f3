"""Disputes: a partner admin questions a ledger line; partner operations answer, maybe with an
adjustment; both sides are told, and the line keeps the thread.

A line has one thread at a time: the first question opens it, a second message while it is open
joins it, and a message after an answer opens the same thread again (`DISPUTES`'s "reopen").
The database holds the rule too (`dispute_one_open_per_line`): two admins writing at once are
serialised on the line's row lock, and a race the lock did not see is refused as a form error.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.money import format_money, quantize
from prm.notifications.log import log_action
from prm.notifications.services import notifications_read_for
from prm.tenancy.models import CURRENCIES, Membership
from prm.tenancy.partner_access import visible_partners
from prm.uniques import refusing_duplicates
from prm.workflow import Action, Workflow, lock_row

from .. import events
from ..earnings import tenant_today
from ..models import Dispute, DisputeMessage, Line
from .adjustments import adjustment_post

D = Dispute.Status

#: the longest message (the model's limit)
MAX_MESSAGE = 4000


def dispute_event_data(dispute: Dispute) -> dict[str, Any]:
    """What every dispute event carries: the line's placeholders and the ids recipients and
    links are found by."""
    return events.line_event_data(
        dispute.line,
        dispute_id=dispute.pk,
        line_id=dispute.line_id,
        raised_by_id=dispute.raised_by_id,
    )


DISPUTES = Workflow(
    Dispute,
    [
        Action("answer", gettext_lazy("answered"), {D.OPEN}, D.ANSWERED),
        Action("reopen", gettext_lazy("reopened"), {D.ANSWERED}, D.OPEN),
    ],
    refusal=gettext_lazy("A question that is %(status)s cannot be %(verb)s."),
    describe=dispute_event_data,
)


def _message(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationError({"message": _("Write what you would like to know about this line.")})
    if len(body) > MAX_MESSAGE:
        raise ValidationError(
            {"message": _("Keep the message under %(n)s characters.") % {"n": MAX_MESSAGE}}
        )
    return body


def may_question(actor: Membership, line: Line) -> bool:
    """Whether the member may question the line: an admin of the line's partner company."""
    return (
        actor.tenant_id == line.tenant_id
        and actor.partner_id is not None
        and actor.partner_id == line.partner_id
        and actor.can("portal.earnings.company")
    )


def dispute_raise(*, actor: Membership, line: Line, message: str) -> Dispute:
    """Question a line (or write again about it) as a partner admin; return its dispute.

    The line's open thread takes the message; an answered thread is opened again; else a new
    one starts. Audited and announced as `commissions.dispute.raised` (the partner's CAMs and
    partner operations are told). Raises `PermissionDenied` for anyone but an admin of the
    line's partner, `ValidationError` for an empty message or a race lost on the one open
    thread per line.
    """
    if not may_question(actor, line):
        raise PermissionDenied(_("Only your company's admins may question a line."))
    body = _message(message)
    with transaction.atomic():
        locked = lock_row(line)  # two admins writing at once: one after the other
        latest = (
            Dispute.objects.filter(tenant_id=locked.tenant_id, line=locked)
            .order_by("-created_at", "-id")
            .first()
        )
        data = {"message": body}
        if latest is not None and latest.status == D.ANSWERED:
            dispute = DISPUTES.transition(
                latest, "reopen", actor=actor.user, event=events.DISPUTE_RAISED, data=data
            )
        elif latest is not None:
            dispute = latest
            log_action(
                event=events.DISPUTE_RAISED,
                tenant=locked.tenant,
                actor=actor.user,
                obj=dispute,
                data={**dispute_event_data(dispute), **data},
            )
        else:
            with refusing_duplicates():
                dispute = Dispute.objects.create(
                    tenant_id=locked.tenant_id,
                    line=locked,
                    partner_id=locked.partner_id,
                    raised_by=actor,
                )
            log_action(
                event=events.DISPUTE_RAISED,
                tenant=locked.tenant,
                actor=actor.user,
                obj=dispute,
                after={
                    "line": locked.pk,
                    "amount": str(locked.amount),
                    "currency": locked.currency,
                },
                data={**dispute_event_data(dispute), **data},
            )
        DisputeMessage.objects.create(
            tenant_id=locked.tenant_id,
            dispute=dispute,
            author=actor.user,
            from_partner=True,
            body=body,
        )
        Dispute.objects.filter(pk=dispute.pk).update(updated_at=timezone.now())
    return dispute


def may_answer(actor: Membership, dispute: Dispute) -> bool:
    """Whether the member may answer the dispute: partner operations (or a leader) who see its
    partner."""
    return (
        actor.tenant_id == dispute.tenant_id
        and actor.can("commissions.approve")
        and visible_partners(actor).filter(pk=dispute.partner_id).exists()
    )


def _adjustment_amount(amount: Any, currency: str) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"adjustment_amount": _("Enter an amount.")}) from exc
    if not value.is_finite():
        raise ValidationError({"adjustment_amount": _("Enter an amount.")})
    if currency not in dict(CURRENCIES):
        raise ValidationError({"adjustment_currency": _("Choose a currency.")})
    value = quantize(value, currency)
    if not value:
        raise ValidationError(
            {"adjustment_amount": _("An adjustment of zero changes nothing: leave it empty.")}
        )
    if abs(value) >= Decimal("1000000000000"):
        raise ValidationError({"adjustment_amount": _("This amount is too large.")})
    return value


def dispute_adjustment_post(
    *, actor: Membership, dispute: Dispute, amount: Decimal, currency: str, reason: str
) -> Line:
    """Post the adjustment an answer comes with, through the one adjustment service
    (`adjustments.adjustment_post`: an approved line of the dispute's partner with the reason,
    audited and announced); its refusals are named after the answer form's fields."""
    try:
        return adjustment_post(
            actor=actor,
            partner=dispute.partner,
            amount=amount,
            currency=currency,
            reason=reason,
            earned_on=tenant_today(dispute.tenant),
            dispute=dispute,
        )
    except ValidationError as refused:
        fields = {"amount": "adjustment_amount", "currency": "adjustment_currency"}
        raise ValidationError(
            {fields.get(name, name): errors for name, errors in refused.message_dict.items()}
        ) from None


def dispute_answer(
    *,
    actor: Membership,
    dispute: Dispute,
    message: str,
    adjustment_amount: Decimal | str | None = None,
    adjustment_currency: str = "",
) -> DisputeMessage:
    """Answer an open dispute, optionally posting an adjustment with it.

    The dispute becomes answered; the message (naming its adjustment) joins the thread; the
    partner's admins and who raised it are told (`commissions.dispute.answered`); the
    answerer's notifications about it are read. Raises `PermissionDenied` (not partner
    operations of this partner), `TransitionError` (answered already), `ValidationError` (an
    empty message, a bad adjustment).
    """
    body = _message(message)
    adjusting = adjustment_amount not in (None, "")
    amount = _adjustment_amount(adjustment_amount, adjustment_currency) if adjusting else None

    def authorize(row: Dispute) -> None:
        if not may_answer(actor, row):
            raise PermissionDenied(_("Only partner operations answer questions about lines."))

    posted: dict[str, Line] = {}

    def prepare(row: Dispute) -> None:
        if amount is not None:
            posted["line"] = dispute_adjustment_post(
                actor=actor,
                dispute=row,
                amount=amount,
                currency=adjustment_currency,
                reason=body[:500],
            )

    with transaction.atomic():
        answered = DISPUTES.transition(
            dispute,
            "answer",
            actor=actor.user,
            authorize=authorize,
            prepare=prepare,
            event=events.DISPUTE_ANSWERED,
            data=lambda row: {
                "message": body,
                "adjustment": (
                    format_money(posted["line"].amount, posted["line"].currency)
                    if "line" in posted
                    else ""
                ),
            },
            after=lambda row: (
                {"adjustment": posted["line"].pk, "amount": str(posted["line"].amount)}
                if "line" in posted
                else {}
            ),
        )
        reply = DisputeMessage.objects.create(
            tenant_id=answered.tenant_id,
            dispute=answered,
            author=actor.user,
            from_partner=False,
            body=body,
            adjustment=posted.get("line"),
        )
        notifications_read_for(user=actor.user, subject=answered)
    return reply
