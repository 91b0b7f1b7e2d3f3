"""`GET /api/v1/kpis/`: the program's KPIs for a period and a scope, as the dashboards read them.

The figures come from the one metrics layer (`prm.metrics.engine.evaluate`), for the period and
the partners the program dashboard's filters would pick (`reporting.dashboards`: the same spans,
fiscal quarters and custom dates, narrowed by type, tier, region or segment, or to one partner),
so a KPI read by a CRM equals the one on the dashboard and in the QBR.
"""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from partners.models import Partner
from prm.api.views import ApiViewSet
from prm.exchange.services import tenant_today
from prm.metrics import periods as P
from prm.metrics.engine import evaluate
from prm.metrics.periods import Period
from prm.metrics.registry import all_metrics
from prm.tenancy.partner_access import visible_partners

from ..dashboards import EARLIEST, MAX_CUSTOM_DAYS, PREVIOUS, SPAN_LABELS, YEAR_EARLIER

LATEST = date(2100, 12, 31)


class KpiQuery(serializers.Serializer):
    span = serializers.ChoiceField(
        choices=list(SPAN_LABELS),
        default=P.QUARTER,
        help_text=gettext_lazy(
            "The period: this month, this fiscal quarter (the default), this fiscal year, the "
            "last 30 or 90 days, or custom dates (give start and end)."
        ),
    )
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    compare = serializers.ChoiceField(
        choices=[PREVIOUS, YEAR_EARLIER],
        default=PREVIOUS,
        help_text=gettext_lazy(
            "What each figure is compared with: the period before, or a year earlier."
        ),
    )
    partner = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("One partner's figures."),
    )
    tier = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    partner_type = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    region = serializers.ChoiceField(choices=Partner.Region.choices, required=False)
    metrics = serializers.CharField(
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Comma-separated KPI names (all of them when left out)."),
    )

    def validate_start(self, value: date) -> date:
        return _in_range(value)

    def validate_end(self, value: date) -> date:
        return _in_range(value)

    def validate_metrics(self, value: str) -> list[str]:
        known = {m.name for m in all_metrics()}
        names = [n.strip() for n in value.split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            raise serializers.ValidationError(
                _("Unknown KPIs: %(names)s. Known: %(known)s.")
                % {"names": ", ".join(unknown) or "—", "known": ", ".join(sorted(known))}
            )
        return names

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["span"] == P.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise serializers.ValidationError(
                    {"start": [_("Give start and end with custom dates.")]}
                )
            if end < start:
                raise serializers.ValidationError({"end": [_("The end is before the start.")]})
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise serializers.ValidationError(
                    {"end": [_("A period is at most three years long.")]}
                )
        return data


def _in_range(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise serializers.ValidationError(_("Give a day between 2000 and 2100."))
    return day


class KpiFigure(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(
        help_text=gettext_lazy("count, money, percent, days, hours, ratio, score or months")
    )
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    previous = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    higher_is_better = serializers.BooleanField()


class PeriodOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class KpiAnswer(serializers.Serializer):
    period = PeriodOut()
    compared_with = PeriodOut()
    currency = serializers.CharField(help_text=gettext_lazy("The currency of money KPIs."))
    partners = serializers.IntegerField(
        help_text=gettext_lazy("How many partners the scope holds.")
    )
    results = KpiFigure(many=True)


class _OneAnswer(AutoSchema):
    """The KPIs answer one object, not a list, though they are the resource's `list`."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class KpiViewSet(ApiViewSet):
    resource = "kpis"
    pagination_class = None  # type: ignore[assignment]
    schema = _OneAnswer()

    @extend_schema(
        summary="KPIs for a period and a scope",
        parameters=[KpiQuery],
        responses={200: KpiAnswer, 400: OpenApiResponse(description="Bad parameters.")},
        tags=["kpis"],
    )
    def list(self, request: Request) -> Response:
        query = KpiQuery(data=request.query_params)
        # A parameter that is given must be right (prm.api.common): DRF reads an empty one
        # as left out.
        blank = [name for name in query.fields if request.query_params.get(name) == ""]
        if blank:
            raise ValidationError({name: [_("Give a value, or leave it out.")] for name in blank})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        tenant = self.membership.tenant
        partners = visible_partners(self.membership)
        for field in ("partner", "tier", "partner_type"):
            if data.get(field) is not None:
                lookup = "pk" if field == "partner" else f"{field}_id"
                partners = partners.filter(**{lookup: data[field]})
        if data.get("region"):
            partners = partners.filter(region=data["region"])
        count = partners.count()
        if data.get("partner") is not None and not count:
            # Another tenant's partner reads like one that does not exist.
            raise ValidationError({"partner": [_("No partner with this id.")]})
        fiscal = tenant.fiscal_year_start or 1
        span = data["span"]
        if span == P.CUSTOM:
            period = Period(data["start"], data["end"])
        else:
            period = P.period_for(span, tenant_today(tenant), fiscal_start=fiscal)
        if data["compare"] == YEAR_EARLIER:
            before = P.year_earlier(period)
        else:
            before = P.previous(period, span, fiscal_start=fiscal)
        metrics = all_metrics()
        if data.get("metrics"):
            metrics = [m for m in metrics if m.name in data["metrics"]]
        table = evaluate(tenant, metrics, [period, before], partners=partners)
        return Response(
            {
                "period": {"start": period.start, "end": period.end},
                "compared_with": {"start": before.start, "end": before.end},
                "currency": tenant.default_currency,
                "partners": count,
                "results": [
                    {
                        "name": m.name,
                        "label": str(m.label),
                        "unit": m.unit,
                        "value": _decimal(table.get(m, period)),
                        "previous": _decimal(table.get(m, before)),
                        "higher_is_better": m.higher_is_better,
                    }
                    for m in metrics
                ],
            }
        )


def _decimal(value: Any) -> str | None:
    return None if value is None else f"{value:.4f}"
