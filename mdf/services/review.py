"""The vendor decides MDF requests: approve in full or in part (with a second approval above the
fund's threshold), ask for more information, reject (the partner may fix it and submit it
again) or decline (final); extend the claim deadline of an approved request, or release what it
holds when it will not be claimed.

Every decision goes through `REQUESTS.transition` (the request's row lock, the status table,
one audit line and one event) and every amount through `mdf.ledger` (the allocation's row lock),
so two CAMs deciding at once, or two hundred approvals against one allocation, can never commit
more than it holds. Each reason is shown to the partner.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.money import format_money, quantize
from prm.notifications.services import notifications_read_for
from prm.sla import business_hours_between
from prm.tenancy.models import Membership

from .. import events, ledger
from ..access import requests_visible_to
from ..events import tenant_day
from ..models import Claim, MdfRequest
from ..tasks import allocation_check_after_commit
from ..workflow import REQUESTS

S = MdfRequest.Status


# Who may decide


def require_decider(actor: Membership, row: MdfRequest) -> None:
    """Vendor staff who may decide MDF requests and who see the request's partner."""
    if actor.tenant_id != row.tenant_id or actor.is_partner_user or not actor.can("mdf.approve"):
        raise PermissionDenied
    if not requests_visible_to(actor).filter(pk=row.pk).exists():
        raise PermissionDenied


def require_second_approver(actor: Membership, row: MdfRequest) -> None:
    """A program leader (`mdf.approve.second`) who sees the partner: what a request waiting for
    its second approval needs, whether it is approved, rejected or declined."""
    require_decider(actor, row)
    if not actor.can("mdf.approve.second"):
        raise PermissionDenied


def _require_for(actor: Membership, row: MdfRequest) -> None:
    """The decider a request needs as it is now: a program leader once a CAM approved it above
    the fund's threshold, else anyone who may decide."""
    if row.status == S.SECOND_APPROVAL:
        require_second_approver(actor, row)
    else:
        require_decider(actor, row)


# Helpers


def _reason_required(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Give a reason: the partner sees it.")})
    return reason


def _decided(row: MdfRequest, actor: Membership, now: datetime) -> None:
    """The decision's facts: when, by whom, and how many business hours it took."""
    row.decided_at = now
    row.decided_by = actor.user
    if row.submitted_at is not None:
        row.decision_hours = business_hours_between(row.submitted_at, now, row.tenant.time_zone)


def needs_second_approval(mdf_request: MdfRequest, amount: Decimal) -> bool:
    """Whether approving `amount` of the request also needs a program leader's approval."""
    threshold = mdf_request.fund.second_approval_above
    return threshold is not None and amount > threshold


def approvable_amount(mdf_request: MdfRequest, amount: Decimal | None) -> Decimal:
    """The amount to approve, checked: above zero and no more than was requested (the
    requested amount when none is given)."""
    requested = mdf_request.amount
    if requested is None:
        raise ValidationError(_("This request names no amount; ask the partner for one."))
    if amount is None:
        return requested
    try:
        amount = quantize(Decimal(amount), mdf_request.currency)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("Approve an amount above zero.")})
    if amount > requested:
        raise ValidationError(
            {
                "amount": _("The partner asked for %(requested)s: approve that much at most.")
                % {"requested": format_money(requested, mdf_request.currency)}
            }
        )
    return amount


def _claim_due(row: MdfRequest) -> date | None:
    if row.ends_on is None:
        return None
    return row.ends_on + timedelta(days=row.fund.claim_days)


def _commit(row: MdfRequest, amount: Decimal, actor: Membership, reason: str) -> None:
    """Commit the amount on the allocation (its row lock; `LedgerError`, a sentence, when it
    cannot cover it)."""
    ledger.commit(
        request=row,
        amount=amount,
        actor=actor.user,
        reason=reason or _("Approved %(request)s") % {"request": row.reference},
    )
    # The partner hears at once when this leaves the allocation running low (once committed).
    allocation_check_after_commit(row.allocation)


def _release(row: MdfRequest, actor: Membership, reason: str) -> Decimal:
    """Give back what the request holds; the amount given back (0 for nothing held)."""
    movement = ledger.release(request=row, actor=actor.user, reason=reason)
    return movement.amount if movement is not None else Decimal("0.00")


# The decisions


def request_approve(
    *,
    actor: Membership,
    mdf_request: MdfRequest,
    amount: Decimal | None = None,
    reason: str = "",
) -> MdfRequest:
    """Approve a submitted request in full (no `amount`) or in part (`amount` below the
    requested one, which needs a reason the partner sees).

    The amount is committed on the partner's allocation at once, under its row lock: when the
    allocation cannot cover it the approval is refused with the ledger's sentence and nothing
    changes. Above the fund's `second_approval_above` the request waits for a program leader
    (`request_approve_second`), its money already committed so nothing else can take it.
    """
    reason = (reason or "").strip()
    amount = approvable_amount(mdf_request, amount)
    if mdf_request.amount is not None and amount < mdf_request.amount and not reason:
        raise ValidationError(
            {"reason": _("Say why you approve less than was asked: the partner sees it.")}
        )
    second = needs_second_approval(mdf_request, amount)
    now = timezone.now()
    money = format_money(amount, mdf_request.currency)

    def prepare(row: MdfRequest) -> None:
        _decided(row, actor, now)
        row.claim_due_on = _claim_due(row)
        _commit(row, amount, actor, reason)

    changes: dict[str, object] = {
        "approved_amount": amount,
        "decision_reason": reason,
        "info_question": "",
    }
    if second:
        changes["first_approved_by"] = actor.user
    with transaction.atomic():
        mdf_request = REQUESTS.transition(
            mdf_request,
            "approve_first" if second else "approve",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=prepare,
            changes=changes,
            reason=reason,
            after={"approved_amount": str(amount), "currency": mdf_request.currency},
            event=events.REQUEST_SECOND_APPROVAL if second else events.REQUEST_APPROVED,
            data=lambda row: {
                "approved": money,
                "reason": reason,
                "claim_due": tenant_day(row.tenant, row.claim_due_on) if row.claim_due_on else "",
            },
        )
        notifications_read_for(user=actor.user, subject=mdf_request)
    return mdf_request


def request_approve_second(
    *, actor: Membership, mdf_request: MdfRequest, reason: str = ""
) -> MdfRequest:
    """A program leader gives the second approval a request above the fund's threshold
    waits for; the amount the CAM approved (committed already) stands. The leader must be
    another person than the CAM who approved it first (four eyes)."""
    reason = (reason or "").strip()

    def authorize(row: MdfRequest) -> None:
        require_second_approver(actor, row)
        if row.status == S.SECOND_APPROVAL and row.first_approved_by_id == actor.user_id:
            raise ValidationError(
                _("You gave the first approval: another program leader gives the second.")
            )

    with transaction.atomic():
        mdf_request = REQUESTS.transition(
            mdf_request,
            "approve_second",
            actor=actor.user,
            authorize=authorize,
            changes={"decided_at": timezone.now(), "decided_by": actor.user}
            | ({"decision_reason": reason} if reason else {}),
            reason=reason,
            after=lambda row: {
                "approved_amount": str(row.approved_amount),
                "currency": row.currency,
            },
            event=events.REQUEST_APPROVED,
            data=lambda row: {
                "approved": format_money(row.approved_amount, row.currency),
                "reason": row.decision_reason,
                "claim_due": tenant_day(row.tenant, row.claim_due_on) if row.claim_due_on else "",
            },
        )
        notifications_read_for(user=actor.user, subject=mdf_request)
    return mdf_request


def request_info(*, actor: Membership, mdf_request: MdfRequest, question: str) -> MdfRequest:
    """Send a submitted request back to the partner with a question they see; the partner
    changes it and submits it again (its decision clock starts again then)."""
    question = _reason_required(question, "question")
    with transaction.atomic():
        mdf_request = REQUESTS.transition(
            mdf_request,
            "request_info",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            changes={"info_question": question},
            reason=question,
            event=events.REQUEST_INFO_REQUESTED,
            data={"question": question},
        )
        notifications_read_for(user=actor.user, subject=mdf_request)
    return mdf_request


def _refuse(
    actor: Membership, mdf_request: MdfRequest, action: str, reason: str, event: object
) -> MdfRequest:
    """Reject or decline: the reason is shown to the partner; a request waiting for its second
    approval gives back the money its first approval committed."""
    reason = _reason_required(reason)
    now = timezone.now()

    def prepare(row: MdfRequest) -> None:
        if row.status == S.SECOND_APPROVAL:
            _release(row, actor, reason)
            row.approved_amount = None
        _decided(row, actor, now)

    with transaction.atomic():
        mdf_request = REQUESTS.transition(
            mdf_request,
            action,
            actor=actor.user,
            authorize=lambda row: _require_for(actor, row),
            prepare=prepare,
            changes={"decision_reason": reason, "info_question": ""},
            reason=reason,
            event=event,  # type: ignore[arg-type]
            data={"reason": reason},
        )
        notifications_read_for(user=actor.user, subject=mdf_request)
    return mdf_request


def request_reject(*, actor: Membership, mdf_request: MdfRequest, reason: str) -> MdfRequest:
    """Reject a request with a reason: the partner may fix it and submit it again."""
    return _refuse(actor, mdf_request, "reject", reason, events.REQUEST_REJECTED)


def request_decline(*, actor: Membership, mdf_request: MdfRequest, reason: str) -> MdfRequest:
    """Decline a request with a reason: final, it cannot be submitted again."""
    return _refuse(actor, mdf_request, "decline", reason, events.REQUEST_DECLINED)


def claim_deadline_extend(
    *, actor: Membership, mdf_request: MdfRequest, until: date, reason: str
) -> MdfRequest:
    """Move an approved request's claim deadline later, with a reason the partner sees; the
    deadline reminders start again for the new day."""
    reason = _reason_required(reason)
    if until is None:
        raise ValidationError({"until": _("Choose the new last day to claim.")})

    def prepare(row: MdfRequest) -> None:
        floor = max(filter(None, [row.claim_due_on, timezone.localdate()]))
        if until <= floor:
            raise ValidationError(
                {"until": _("Choose a day after %(day)s.") % {"day": tenant_day(row.tenant, floor)}}
            )

    with transaction.atomic():
        return REQUESTS.transition(
            mdf_request,
            "extend_claim",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=prepare,
            changes={
                "claim_due_on": until,
                "claim_extension_reason": reason[:500],
                "claim_reminders": 0,
            },
            reason=reason,
            after={"claim_due_on": until.isoformat()},
            event=events.CLAIM_EXTENDED,
            data={"claim_due": tenant_day(mdf_request.tenant, until), "reason": reason},
        )


def request_release(*, actor: Membership, mdf_request: MdfRequest, reason: str) -> MdfRequest:
    """An approved request that will not be claimed gives what it holds back to the
    allocation, with a reason the partner sees. Refused while a claim of it is filed or
    approved (decide the claim instead) and when it holds nothing."""
    reason = _reason_required(reason)
    released: list[Decimal] = []

    def prepare(row: MdfRequest) -> None:
        claim = Claim.objects.filter(tenant_id=row.tenant_id, request_id=row.pk).first()
        if claim is not None and claim.status != Claim.Status.REJECTED:
            raise ValidationError(
                _("%(claim)s is filed for this request: decide the claim instead.")
                % {"claim": claim.reference}
            )
        amount = _release(row, actor, reason)
        if amount <= 0:
            raise ValidationError(_("This request holds nothing of its allocation any more."))
        released.append(amount)

    with transaction.atomic():
        return REQUESTS.transition(
            mdf_request,
            "release",
            actor=actor.user,
            authorize=lambda row: require_decider(actor, row),
            prepare=prepare,
            changes={"decision_reason": reason},
            reason=reason,
            after=lambda row: {"released": format_money(released[0], row.currency)},
            event=events.REQUEST_RELEASED,
            data=lambda row: {
                "released": format_money(released[0], row.currency),
                "reason": reason,
            },
        )
