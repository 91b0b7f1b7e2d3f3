"""MDF requests and claims as the API answers them (and webhooks send them).

Money is a decimal string beside its ISO 4217 currency; the decision's reason is the one the
partner reads in the portal.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prm.api.common import IdNameSerializer

from ..models import Claim, MdfRequest


def _money(help_text: Any = "") -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, read_only=True, help_text=help_text
    )


class MdfRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(
        read_only=True, help_text=gettext_lazy("How people name it: MDF-000042.")
    )
    partner = IdNameSerializer(read_only=True)
    fund = serializers.IntegerField(source="fund_id", read_only=True)
    allocation = serializers.IntegerField(source="allocation_id", read_only=True)
    claim = serializers.SerializerMethodField(
        help_text=gettext_lazy("The id of its claim, once one is filed.")
    )
    activity_type = serializers.ChoiceField(choices=MdfRequest.Activity.choices, read_only=True)
    campaign = serializers.CharField(source="title", read_only=True)
    description = serializers.CharField(read_only=True)
    audience = serializers.CharField(read_only=True)
    activities = serializers.CharField(read_only=True)
    starts_on = serializers.DateField(allow_null=True, read_only=True)
    ends_on = serializers.DateField(allow_null=True, read_only=True)
    expected_leads = serializers.IntegerField(allow_null=True, read_only=True)
    expected_pipeline = _money()
    amount = _money(gettext_lazy("The amount requested."))
    approved_amount = _money(gettext_lazy("The amount approved (may be less than requested)."))
    currency = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=MdfRequest.Status.choices, read_only=True)
    submitted_at = serializers.DateTimeField(allow_null=True, read_only=True)
    decided_at = serializers.DateTimeField(allow_null=True, read_only=True)
    decision_reason = serializers.CharField(
        read_only=True, help_text=gettext_lazy("What the decider wrote, as the partner reads it.")
    )
    info_question = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The question asked when more information is due.")
    )
    claim_due_on = serializers.DateField(allow_null=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_claim(self, row: MdfRequest) -> int | None:
        if hasattr(row, "api_claim_id"):  # the viewset's annotation (no query a row)
            return row.api_claim_id
        try:
            return row.claim.pk
        except ObjectDoesNotExist:
            return None


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(
        read_only=True, help_text=gettext_lazy("How people name it: CL-000042.")
    )
    partner = IdNameSerializer(read_only=True)
    request = serializers.IntegerField(source="request_id", read_only=True)
    currency = serializers.CharField(read_only=True)
    actual_spend = _money(gettext_lazy("What the activity cost, as claimed."))
    approved_amount = _money(gettext_lazy("The amount approved for reimbursement."))
    leads = serializers.IntegerField(allow_null=True, read_only=True)
    attendees = serializers.IntegerField(allow_null=True, read_only=True)
    impressions = serializers.IntegerField(allow_null=True, read_only=True)
    results = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Claim.Status.choices, read_only=True)
    submitted_at = serializers.DateTimeField(allow_null=True, read_only=True)
    decided_at = serializers.DateTimeField(allow_null=True, read_only=True)
    decision_reason = serializers.CharField(
        read_only=True, help_text=gettext_lazy("What the decider wrote, as the partner reads it.")
    )
    info_question = serializers.CharField(read_only=True)
    paid_on = serializers.DateField(allow_null=True, read_only=True)
    payment_reference = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
