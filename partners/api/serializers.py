"""Partner companies in the API: what it answers (and webhooks send), and what it accepts."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prm.api.common import IdNameSerializer
from prm.filters import BIGINT_MAX

from ..models import Partner, PartnerType
from ..selectors import assigned_cams


def country_codes() -> list[str]:
    return [code for code, _name in countries]


class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 code ("" for none); the model holds a `Country`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=country_codes(), allow_blank=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(getattr(value, "code", value) or "")


class PartnerSerializer(serializers.Serializer):
    """A partner company as the API answers it."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    domain = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The website's registrable domain (acme.co.uk).")
    )
    country = CountryCodeField(read_only=True)
    region = serializers.ChoiceField(
        choices=Partner.Region.choices, allow_blank=True, read_only=True
    )
    industry = serializers.ChoiceField(
        choices=Partner.Industry.choices, allow_blank=True, read_only=True
    )
    size = serializers.ChoiceField(
        source="size_band", choices=Partner.Size.choices, allow_blank=True, read_only=True
    )
    type = IdNameSerializer(source="partner_type", allow_null=True, read_only=True)
    tier = IdNameSerializer(allow_null=True, read_only=True)
    status = serializers.ChoiceField(
        choices=Partner.Status.choices,
        read_only=True,
        help_text=gettext_lazy("Its lifecycle: it changes in the admin UI, with a reason."),
    )
    joined_on = serializers.DateField(allow_null=True, read_only=True)
    crm_id = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("The company's id in your CRM (unique in the program when set)."),
    )
    cams = serializers.SerializerMethodField(
        help_text=gettext_lazy("The emails of its channel account managers.")
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.EmailField()))
    def get_cams(self, partner: Partner) -> list[str]:
        if hasattr(partner, "cam_emails"):  # the selector's annotation (lists: no query a row)
            return list(partner.cam_emails or [])
        return sorted(m.user.email for m in assigned_cams(partner=partner))


#: fields of the answer a client cannot set: they change through their own workflows
READ_ONLY = ("id", "domain", "tier", "status", "cams", "created_at", "updated_at")


class PartnerWriteSerializer(serializers.Serializer):
    """What a client sets on a partner company (POST: `name` required; PATCH: any of them)."""

    name = serializers.CharField(max_length=200)
    type = serializers.IntegerField(
        source="partner_type",
        min_value=1,
        max_value=BIGINT_MAX,
        allow_null=True,
        required=False,
        help_text=gettext_lazy("The id of one of the program's partner types, or null."),
    )
    website = serializers.URLField(max_length=200, allow_blank=True, required=False)
    country = CountryCodeField(required=False)
    region = serializers.ChoiceField(
        choices=Partner.Region.choices, allow_blank=True, required=False
    )
    industry = serializers.ChoiceField(
        choices=Partner.Industry.choices, allow_blank=True, required=False
    )
    size = serializers.ChoiceField(
        source="size_band", choices=Partner.Size.choices, allow_blank=True, required=False
    )
    joined_on = serializers.DateField(allow_null=True, required=False)
    crm_id = serializers.CharField(
        max_length=100,
        allow_null=True,
        allow_blank=True,
        required=False,
        help_text=gettext_lazy("The company's id in your CRM; null or empty to unlink."),
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            fixed = sorted(name for name in READ_ONLY if name in data)
            if fixed:
                message = _(
                    "This field cannot be set here: the status and the tier change through "
                    "their own workflows in the admin UI."
                )
                raise serializers.ValidationError({name: [message] for name in fixed})
        return super().to_internal_value(data)

    def validate_type(self, value: int | None) -> PartnerType | None:
        if value is None:
            return None
        found = PartnerType.objects.filter(tenant_id=self.context["tenant_id"], pk=value).first()
        if found is None:
            raise serializers.ValidationError(_("Choose one of this program's partner types."))
        return found
