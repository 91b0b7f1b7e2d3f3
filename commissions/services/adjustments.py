"""Partner operations' hands on the ledger: post a manual adjustment, reverse a line, approve the
lines whose hold has ended. Each goes through `commissions.ledger` (the only writer of lines),
is audited with its reason and announced.

Who sees a line: the tenant's staff with `commissions.view`, a CAM only the lines of the
partners assigned to them (`lines_visible_to`).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import audit_record
from prm.money import format_money
from prm.notifications.log import log_action
from prm.tenancy.models import CURRENCIES, Membership
from prm.tenancy.partner_access import visible_partners

from .. import events, ledger
from ..models import Dispute, Line


def lines_visible_to(membership: Membership) -> QuerySet[Line]:
    """The tenant's ledger lines the member may see: a CAM's, their partners' only."""
    lines = Line.objects.filter(tenant_id=membership.tenant_id)
    if membership.can("partners.view_all"):
        return lines
    return lines.filter(partner__in=visible_partners(membership))


def _require(actor: Membership, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


def adjustment_post(
    *,
    actor: Membership,
    partner: Partner,
    amount: Decimal,
    currency: str,
    reason: str,
    earned_on: date | None = None,
    dispute: Dispute | None = None,
) -> Line:
    """Post a manual adjustment (positive or negative) to the partner's ledger, approved at once
    (partner operations decided it), with its reason; audited and announced
    (`commissions.adjustment.posted`).

    Raises ValidationError for no reason, an amount of zero (after rounding to the currency) or
    an unknown currency, and ValueError for a partner or dispute of another tenant.
    """
    _require(actor, "commissions.approve")
    if partner.tenant_id != actor.tenant_id:
        raise ValueError("An adjustment for a partner of another tenant.")
    if dispute is not None and (
        dispute.tenant_id != actor.tenant_id or dispute.partner_id != partner.pk
    ):
        raise ValueError("An adjustment answers a dispute of its own partner.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the partner reads it on the line.")})
    if currency not in dict(CURRENCIES):
        raise ValidationError({"currency": _("Choose a currency from the list.")})
    with transaction.atomic():
        line = ledger.post(
            partner=partner,
            source=Line.Source.ADJUSTMENT,
            amount=amount,
            currency=currency,
            earned_on=earned_on or timezone.localdate(),
            actor=actor.user,
            reason=reason,
            state=Line.State.APPROVED,
        )
        if line is None:
            raise ValidationError({"amount": _("An adjustment of zero changes nothing.")})
        line.approved_at = timezone.now()
        line.approved_by = actor.user
        line.save(update_fields=["approved_at", "approved_by"])
        log_action(
            event=events.ADJUSTMENT_POSTED,
            tenant=actor.tenant,
            actor=actor.user,
            obj=line,
            after={
                "amount": str(line.amount),
                "currency": line.currency,
                "partner": partner.name,
                **({"dispute": dispute.pk} if dispute is not None else {}),
            },
            reason=reason,
            data=events.line_event_data(line, reason=reason),
        )
    return line


def line_reverse(*, actor: Membership, line: Line, reason: str) -> Line:
    """Reverse one line with a reason (a clawback when it reached a statement); audited and
    announced (`commissions.line.reversed`). ValidationError for no reason, a reversal or a
    line reversed already."""
    _require(actor, "commissions.approve")
    if line.tenant_id != actor.tenant_id:
        raise ValueError("A line of another tenant.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the partner reads it on the line.")})
    with transaction.atomic():
        try:
            reversal = ledger.reverse(line=line, actor=actor.user, reason=reason)
        except ledger.LedgerError as exc:
            raise ValidationError(str(exc)) from exc
        log_action(
            event=events.LINE_REVERSED,
            tenant=actor.tenant,
            actor=actor.user,
            obj=reversal,
            after={"amount": str(reversal.amount), "currency": reversal.currency},
            reason=reason,
            data=events.line_event_data(reversal, reason=reason),
        )
    return reversal


def due_lines(lines: QuerySet[Line], today: date | None = None) -> QuerySet[Line]:
    """Of `lines`, the pending ones whose hold has ended (what "approve" would approve)."""
    return lines.filter(state=Line.State.PENDING).exclude(
        hold_until__gt=today or timezone.localdate()
    )


def lines_approve(*, actor: Membership, lines: QuerySet[Line]) -> int:
    """Approve the due lines among `lines` (narrowed to what the member sees), in one UPDATE;
    how many were. Audited once with the count and the totals per currency."""
    _require(actor, "commissions.approve")
    today = timezone.localdate()
    with transaction.atomic():
        chosen = due_lines(lines_visible_to(actor).filter(pk__in=lines.values("pk")), today)
        ids = list(chosen.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        scoped = Line.objects.filter(tenant_id=actor.tenant_id, pk__in=ids)
        totals = ledger.totals_by_currency(scoped)
        count = ledger.approve_due(scoped, actor=actor.user, today=today)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="commissions.lines.approved",
            after={
                "count": count,
                "total": ", ".join(format_money(v, c) for c, v in sorted(totals.items())),
            },
        )
    return count
