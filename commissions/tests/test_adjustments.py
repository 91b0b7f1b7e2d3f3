"""Manual adjustments, reversals and approvals by partner operations: each through the ledger,
with its reason, audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commissions.models import Line
from commissions.services import adjustments
from prm.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_adjustment_is_an_approved_line_with_its_reason(in_ours, ops):
    line = adjustments.adjustment_post(
        actor=ops, partner=in_ours.partner, amount=Decimal("-250.004"),
        currency="EUR", reason="Returned licence",
    )  # fmt: skip
    assert line.source == Line.Source.ADJUSTMENT
    assert line.state == Line.State.APPROVED
    assert line.amount == Decimal("-250.00")  # quantized once
    assert line.reason == "Returned licence"
    assert line.approved_by == ops.user
    audit = AuditEvent.objects.get(action="commissions.adjustment.posted", object_id=str(line.pk))
    assert audit.reason == "Returned licence"


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [(Decimal("0.001"), "Why", "amount"), (Decimal("10"), "   ", "reason")],
)
def test_an_adjustment_needs_an_amount_and_a_reason(in_ours, ops, amount, reason, field):
    with pytest.raises(ValidationError) as refused:
        adjustments.adjustment_post(
            actor=ops, partner=in_ours.partner, amount=amount, currency="EUR", reason=reason
        )
    assert field in refused.value.error_dict
    assert not Line.objects.filter(source=Line.Source.ADJUSTMENT, reason=reason).exists()


def test_a_cam_may_not_post_an_adjustment(in_ours, cam):
    with pytest.raises(PermissionDenied):
        adjustments.adjustment_post(
            actor=cam, partner=in_ours.partner, amount=Decimal(1), currency="EUR", reason="x"
        )


def test_an_adjustment_for_another_tenants_partner_is_refused(in_ours, ops, theirs):
    with pytest.raises(ValueError, match="another tenant"):
        adjustments.adjustment_post(
            actor=ops, partner=theirs.partner, amount=Decimal(1), currency="EUR", reason="x"
        )


def test_reversing_a_line_adds_its_negation_once(in_ours, ops):
    reversal = adjustments.line_reverse(actor=ops, line=in_ours.line, reason="Duplicate deal")
    assert reversal.amount == -in_ours.line.amount
    assert reversal.reverses_id == in_ours.line.pk
    assert AuditEvent.objects.filter(action="commissions.line.reversed").exists()
    with pytest.raises(ValidationError):
        adjustments.line_reverse(actor=ops, line=in_ours.line, reason="Again")
    with pytest.raises(ValidationError):
        adjustments.line_reverse(actor=ops, line=reversal, reason="Undo")


def test_a_line_on_a_statement_is_reversed_by_a_clawback(in_ours, ops):
    paid = in_ours.statement.lines.first()
    reversal = adjustments.line_reverse(actor=ops, line=paid, reason="Customer refunded")
    assert reversal.source == Line.Source.CLAWBACK
    assert reversal.state == Line.State.APPROVED


def test_approving_takes_only_the_due_lines(in_ours, ops):
    held = Line.objects.filter(pk=in_ours.line.pk)
    held.update(hold_until=timezone.localdate() + timedelta(days=5))
    assert adjustments.lines_approve(actor=ops, lines=held) == 0
    held.update(hold_until=timezone.localdate())
    assert adjustments.lines_approve(actor=ops, lines=held) == 1
    in_ours.line.refresh_from_db()
    assert in_ours.line.state == Line.State.APPROVED
    assert in_ours.line.approved_by == ops.user
    assert AuditEvent.objects.get(action="commissions.lines.approved").after["count"] == 1


def test_a_cam_sees_only_their_partners_lines(in_ours, cam):
    seen = adjustments.lines_visible_to(cam)
    assert seen.filter(pk=in_ours.line.pk).exists()
    assert not seen.filter(pk=in_ours.other_line.pk).exists()
