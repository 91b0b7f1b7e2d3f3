"""Commission ledger lines and statements as the API answers them (and webhooks send them).

Money is a decimal string beside its ISO 4217 currency, never summed across currencies: a
statement has one total per currency.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from prm.api.common import IdNameSerializer

from ..models import Line, Statement


def _money(help_text: Any = "", **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text=help_text, **kwargs
    )


class LineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    partner = IdNameSerializer(read_only=True)
    deal = serializers.IntegerField(
        source="deal_id",
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("The deal registration it was earned on, if any."),
    )
    source = serializers.ChoiceField(
        choices=Line.Source.choices,
        read_only=True,
        help_text=gettext_lazy("What earned it: a deal, a SPIF, a tier bonus, an adjustment..."),
    )
    amount = _money(gettext_lazy("Signed: a reversal or a clawback is below zero."))
    currency = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(
        choices=Line.State.choices,
        read_only=True,
        help_text=gettext_lazy("Pending, approved, on a statement, paid."),
    )
    earned_on = serializers.DateField(
        read_only=True, help_text=gettext_lazy("The day it was earned (a deal's close date).")
    )
    hold_until = serializers.DateField(allow_null=True, read_only=True)
    reason = serializers.CharField(read_only=True)
    reverses = serializers.IntegerField(
        source="reverses_id",
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("The line this one reverses (a correction), if any."),
    )
    statement = serializers.IntegerField(
        source="statement_id",
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("The statement that pays it, once it is on one."),
    )
    approved_at = serializers.DateTimeField(allow_null=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text=gettext_lazy(
            "Its amount never changes (a correction is a reversing line); its state does."
        ),
    )


class StatementTotalSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    opening = _money(gettext_lazy("Carried from the previous statement (below zero: owed)."))
    lines = _money(gettext_lazy("The sum of its lines."), source="lines_total")
    closing = _money(gettext_lazy("Opening plus lines."))
    payable = _money(gettext_lazy("What is paid: the closing balance when above zero."))


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(
        read_only=True, help_text=gettext_lazy("How people name it: CS-000042.")
    )
    partner = IdNameSerializer(read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    status = serializers.ChoiceField(choices=Statement.Status.choices, read_only=True)
    totals = StatementTotalSerializer(many=True, read_only=True)
    approved_at = serializers.DateTimeField(allow_null=True, read_only=True)
    paid_on = serializers.DateField(allow_null=True, read_only=True)
    payment_reference = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
