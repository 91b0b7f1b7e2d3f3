"""What the API answers about registrations, leads and protected accounts, and what it reads.

Representations are read-only and name every field; webhooks send the same
(`prm.api.registry.register_representation`). Inputs are validated here for shape and type
only: what a value means (a partner the key sees, a close date not in the future, a domain) is
the services' to decide, exactly as for the admin UI.
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from prm.api.common import IdNameSerializer
from prm.csvio.importing import Row
from prm.filters import BIGINT_MAX
from prm.tenancy.models import CURRENCIES

from ..models import Deal, Lead, ProtectedAccount
from ..services.protected_accounts import COLUMNS, MAX_ROWS

# Inputs take the JSON types the schema names, and only those: DRF would read 42 as the text
# "42" and "1e5" as an amount, which the schema (and a client reading it) does not allow.


class _JsonTypes:
    json_types: tuple[type, ...] = (str,)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, self.json_types):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class TextField(_JsonTypes, serializers.CharField):
    pass


class EmailAddressField(_JsonTypes, serializers.EmailField):
    pass


class IdField(_JsonTypes, serializers.IntegerField):
    json_types = (int,)


#: an amount as the API writes it: digits, and at most two decimals
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": AMOUNT_PATTERN, "example": "12500.00"}
)
class AmountField(serializers.DecimalField):
    """A sum of money as a string ("12500.00"), never a JSON number (no float on the way)."""

    default_error_messages = {
        "invalid": gettext_lazy("Give the amount as a string such as “12500.00”.")
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=14, decimal_places=2, min_value=0, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not re.fullmatch(AMOUNT_PATTERN, data):
            self.fail("invalid")
        return super().to_internal_value(data)


# Representations


class ContactSerializer(serializers.Serializer):
    """The customer's contact person."""

    name = serializers.CharField(source="contact_name", read_only=True)
    email = serializers.EmailField(source="contact_email", read_only=True)
    role = serializers.CharField(source="contact_role", read_only=True)


class DealProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    sku = serializers.CharField(read_only=True)


class DealSerializer(serializers.Serializer):
    """A deal registration as the vendor's staff see it (drafts are the partner's own and are
    not served)."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(
        source="reference", read_only=True, help_text=gettext_lazy("As people name it: DR-000042.")
    )
    partner = IdNameSerializer(read_only=True)
    owner_email = serializers.EmailField(
        source="owner.user.email",
        read_only=True,
        help_text=gettext_lazy("The partner user who registered it."),
    )
    customer = serializers.CharField(source="customer_name", read_only=True)
    website = serializers.CharField(source="customer_website", read_only=True)
    domain = serializers.CharField(
        source="customer_domain",
        read_only=True,
        help_text=gettext_lazy("The registered domain the conflict check compares."),
    )
    country = serializers.CharField(
        source="country.code", read_only=True, help_text=gettext_lazy("ISO 3166-1 alpha-2.")
    )
    contact = ContactSerializer(source="*", read_only=True)
    products = DealProductSerializer(many=True, read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    currency = serializers.ChoiceField(choices=CURRENCIES, read_only=True)
    expected_close_on = serializers.DateField(read_only=True)
    deal_type = serializers.ChoiceField(choices=Deal.Type.choices, read_only=True)
    status = serializers.ChoiceField(choices=Deal.Status.choices, read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    protected_until = serializers.DateTimeField(
        source="expires_at", read_only=True, allow_null=True
    )
    won_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The final amount of a won deal, in `currency`."),
    )
    closed_on = serializers.DateField(read_only=True, allow_null=True)
    lost_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class LeadContactSerializer(serializers.Serializer):
    """The prospect's contact person."""

    name = TextField(source="contact_name", max_length=150)
    email = EmailAddressField(source="contact_email", max_length=254)
    role = TextField(
        source="contact_role", max_length=120, required=False, allow_blank=True, default=""
    )


class LeadSerializer(serializers.Serializer):
    """A lead the vendor hands to partners."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Lead.Status.choices, read_only=True)
    customer = serializers.CharField(source="customer_name", read_only=True)
    website = serializers.CharField(source="customer_website", read_only=True)
    country = serializers.CharField(
        source="country.code", read_only=True, help_text=gettext_lazy("ISO 3166-1 alpha-2.")
    )
    contact = LeadContactSerializer(source="*", read_only=True)
    notes = serializers.CharField(read_only=True)
    partner = IdNameSerializer(read_only=True, allow_null=True)
    assigned_at = serializers.DateTimeField(read_only=True, allow_null=True)
    respond_by = serializers.DateTimeField(read_only=True, allow_null=True)
    decline_reason = serializers.ChoiceField(
        choices=Lead.DeclineReason.choices, read_only=True, allow_blank=True
    )
    decline_note = serializers.CharField(read_only=True)
    returned_count = serializers.IntegerField(read_only=True)
    deal = serializers.IntegerField(
        source="deal_id",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("The registration the partner made of it, once accepted."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ProtectedAccountSerializer(serializers.Serializer):
    """A company the vendor sells to directly (`direct`) or already sells to (`customer`)."""

    id = serializers.IntegerField(read_only=True)
    domain = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    owner = serializers.CharField(read_only=True)
    type = serializers.ChoiceField(
        source="kind", choices=ProtectedAccount.Kind.choices, read_only=True
    )
    imported_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


# Inputs


class DealWonSerializer(serializers.Serializer):
    amount = AmountField(
        help_text=gettext_lazy("The final amount, in the registration's currency.")
    )
    closed_on = serializers.DateField(help_text=gettext_lazy("Not in the future."))


class DealLostSerializer(serializers.Serializer):
    reason = TextField(
        max_length=4000, help_text=gettext_lazy("Why it was lost: the partner sees it.")
    )


class LeadCreateSerializer(serializers.Serializer):
    customer = TextField(max_length=200)
    website = TextField(max_length=253, required=False, allow_blank=True, default="")
    country = serializers.ChoiceField(
        choices=[code for code, _name in countries],
        help_text=gettext_lazy("ISO 3166-1 alpha-2."),
    )
    contact = LeadContactSerializer()
    notes = TextField(max_length=4000, required=False, allow_blank=True, default="")


class LeadAssignSerializer(serializers.Serializer):
    partner = IdField(
        min_value=1,
        max_value=BIGINT_MAX,
        help_text=gettext_lazy("The id of a partner company of the program."),
    )


#: the keys of an upserted account, in the order the CSV import's columns have them
ROW_KEYS = tuple(column.key for column in COLUMNS)
#: what `type` may be: the codes (a CSV file may name the types by their labels too)
TYPES = tuple(ProtectedAccount.Kind.values)


#: one account of a bulk upsert, as the schema describes it (what the CSV import's row has)
ACCOUNT_ROW = {
    "type": "object",
    "additionalProperties": False,
    "required": ["domain", "name"],
    "properties": {
        "domain": {
            "type": "string",
            "minLength": 1,
            "maxLength": 253,
            "description": (
                "The company's website or domain (https://www.acme.com, acme.com); stored as "
                "its registered domain, which identifies the account: once per request."
            ),
        },
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "owner": {
            "type": "string",
            "nullable": True,
            "maxLength": 200,
            "description": "Who owns the account in the CRM (a name or an email address).",
        },
        "type": {
            "type": "string",
            "nullable": True,
            "enum": [*ProtectedAccount.Kind.values, None],
            "description": "`direct` (absent or null: direct) or `customer`.",
        },
    },
}


@extend_schema_field({"type": "array", "minItems": 1, "maxItems": MAX_ROWS, "items": ACCOUNT_ROW})
class AccountRowsField(serializers.Field):
    """The accounts of a bulk upsert, checked for shape only (a list of objects with text
    values, known keys) and handed on as rows numbered by index. What each value means is the
    upsert service's row form's to say, for the API as for a CSV file: one set of rules. Not a
    list of nested serializers: ten thousand of them cost seconds."""

    default_error_messages = {
        "not_a_list": gettext_lazy("Send a list of accounts."),
        "empty": gettext_lazy("Send at least one account."),
        "too_many": gettext_lazy("Send at most %(max)s accounts at once."),
    }

    def to_internal_value(self, data: Any) -> list[Row]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        if not data:
            self.fail("empty")
        if len(data) > MAX_ROWS:
            raise serializers.ValidationError(
                self.error_messages["too_many"] % {"max": f"{MAX_ROWS:,}"}
            )
        rows: list[Row] = []
        errors: dict[str, dict[str, list[str]]] = {}
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                errors[str(index)] = {"non_field_errors": [_("Send an object.")]}
                continue
            problems: dict[str, list[str]] = {}
            for key, value in item.items():
                if key not in ROW_KEYS:
                    problems[str(key)[:50]] = [
                        _("Unknown field: the fields are %(keys)s.") % {"keys": ", ".join(ROW_KEYS)}
                    ]
                elif value is not None and not isinstance(value, str):
                    problems[key] = [_("Send text.")]
                elif key == "type" and value is not None and value not in TYPES:
                    problems[key] = [_("Use one of: %(values)s.") % {"values": ", ".join(TYPES)}]
            if problems:
                errors[str(index)] = problems
                continue
            rows.append(Row(index, {key: item.get(key) or "" for key in ROW_KEYS}))
        if errors:
            raise serializers.ValidationError(errors)
        return rows

    def to_representation(self, value: Any) -> Any:
        return value


class AccountsUpsertSerializer(serializers.Serializer):
    accounts = AccountRowsField()


class AccountsUpsertedSerializer(serializers.Serializer):
    created = serializers.IntegerField(read_only=True)
    updated = serializers.IntegerField(read_only=True)


class AccountsDeleteSerializer(serializers.Serializer):
    domains = serializers.ListField(
        child=TextField(max_length=253),
        min_length=1,
        max_length=MAX_ROWS,
        help_text=gettext_lazy(
            "Websites or domains, read as an upsert reads them; those the program does not "
            "have are skipped."
        ),
    )


class AccountsDeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField(read_only=True)


@extend_schema_serializer(component_name="Error")
class ProblemSerializer(serializers.Serializer):
    """Why a request was refused (the core's `Error`, prm.api.schema)."""

    detail = serializers.CharField()
