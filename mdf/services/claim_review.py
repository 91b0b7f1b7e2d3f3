"""The vendor decides claims: approve up to what may be reimbursed, ask for more information,
or reject with a reason.

A claim may be reimbursed up to the smaller of its request's approved amount and the actual
spend times the fund's reimbursement cap (`reimbursable`). Approving moves that amount from
committed to claimed on the ledger (due to the partner) and gives the rest the request held
back to the allocation (`ledger.settle_claim`); rejecting gives back all of it. Every move goes
through `CLAIMS.transition` under the claim's row lock, and every amount through `mdf.ledger`.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.figures import format_percent
from prm.money import format_money, quantize
from prm.notifications.services import notifications_read_for
from prm.tenancy.models import Membership

from .. import events, ledger
from ..access import claims_visible_to
from ..models import Claim
from ..workflow import CLAIMS

ZERO = Decimal("0.00")


def require_claim_decider(actor: Membership, row: Claim) -> None:
    """Vendor staff who may decide claims (`mdf.approve`) and who see the claim's partner."""
    if actor.tenant_id != row.tenant_id or actor.is_partner_user or not actor.can("mdf.approve"):
        raise PermissionDenied
    if not claims_visible_to(actor).filter(pk=row.pk).exists():
        raise PermissionDenied


@dataclass(frozen=True)
class Reimbursable:
    """The most a claim may be reimbursed, and the two limits it is the smaller of."""

    currency: str
    approved: Decimal  # the request's approved amount
    spend: Decimal  # the actual spend claimed
    cap_percent: Decimal  # the fund's reimbursement cap
    capped_spend: Decimal  # spend × cap
    most: Decimal  # min(approved, capped_spend)

    def explain(self) -> str:
        """ "Reimbursable up to …", with the computation."""
        return _(
            "Reimbursable up to %(most)s: the smaller of the approved %(approved)s and "
            "%(cap)s of the actual spend of %(spend)s (%(capped)s)."
        ) % {
            "most": format_money(self.most, self.currency),
            "approved": format_money(self.approved, self.currency),
            "cap": format_percent(self.cap_percent),
            "spend": format_money(self.spend, self.currency),
            "capped": format_money(self.capped_spend, self.currency),
        }


def reimbursable(claim: Claim) -> Reimbursable:
    """What the claim may be reimbursed at most (quantized once, in its currency)."""
    request = claim.request
    currency = claim.currency
    approved = request.approved_amount or ZERO
    spend = claim.actual_spend or ZERO
    cap = request.fund.reimbursement_cap
    capped = quantize(spend * cap / Decimal(100), currency)
    return Reimbursable(
        currency=currency,
        approved=approved,
        spend=spend,
        cap_percent=cap,
        capped_spend=capped,
        most=min(approved, capped),
    )


def claim_approve(
    *, actor: Membership, claim: Claim, amount: Decimal | None = None, reason: str = ""
) -> Claim:
    """Approve a submitted claim for `amount` (by default the most it may be reimbursed; less
    needs a reason the partner sees). The amount becomes due to the partner; what the request
    held beyond it goes back to the allocation."""
    reason = (reason or "").strip()
    limit = reimbursable(claim)
    if amount is None:
        amount = limit.most
    try:
        amount = quantize(Decimal(amount), claim.currency)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError(
            {"amount": _("Approve an amount above zero, or reject the claim with a reason.")}
        )
    if amount > limit.most:
        raise ValidationError({"amount": limit.explain()})
    if amount < limit.most and not reason:
        raise ValidationError(
            {"reason": _("Say why you reimburse less than the most allowed: the partner sees it.")}
        )
    money = format_money(amount, claim.currency)

    def prepare(row: Claim) -> None:
        ledger.settle_claim(
            claim=row,
            approved=amount,
            actor=actor.user,
            reason=reason or _("Claim %(claim)s approved") % {"claim": row.reference},
        )

    with transaction.atomic():
        claim = CLAIMS.transition(
            claim,
            "approve",
            actor=actor.user,
            authorize=lambda row: require_claim_decider(actor, row),
            prepare=prepare,
            changes={
                "approved_amount": amount,
                "decision_reason": reason,
                "info_question": "",
                "decided_at": timezone.now(),
                "decided_by": actor.user,
            },
            reason=reason,
            after={"approved_amount": str(amount), "currency": claim.currency},
            event=events.CLAIM_APPROVED,
            data={"approved": money, "reason": reason},
        )
        notifications_read_for(user=actor.user, subject=claim)
    return claim


def claim_info(*, actor: Membership, claim: Claim, question: str) -> Claim:
    """Send a submitted claim back to the partner with a question they see."""
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Say what information you need.")})
    with transaction.atomic():
        claim = CLAIMS.transition(
            claim,
            "request_info",
            actor=actor.user,
            authorize=lambda row: require_claim_decider(actor, row),
            changes={"info_question": question},
            reason=question,
            event=events.CLAIM_INFO_REQUESTED,
            data={"question": question},
        )
        notifications_read_for(user=actor.user, subject=claim)
    return claim


def claim_reject(*, actor: Membership, claim: Claim, reason: str) -> Claim:
    """Reject a submitted claim with a reason the partner sees: nothing is reimbursed, and what
    its request held goes back to the allocation."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the partner sees it.")})

    def prepare(row: Claim) -> None:
        ledger.release(request=row.request, actor=actor.user, reason=reason)

    with transaction.atomic():
        claim = CLAIMS.transition(
            claim,
            "reject",
            actor=actor.user,
            authorize=lambda row: require_claim_decider(actor, row),
            prepare=prepare,
            changes={
                "decision_reason": reason,
                "info_question": "",
                "decided_at": timezone.now(),
                "decided_by": actor.user,
            },
            reason=reason,
            event=events.CLAIM_REJECTED,
            data={"reason": reason},
        )
        notifications_read_for(user=actor.user, subject=claim)
    return claim
