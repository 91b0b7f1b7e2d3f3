"""The partners app's metrics, registered in the core registry (prm.metrics)."""

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.metrics.registry import Metric, register
from prm.tenancy.models import Tenant

from .models import Partner


def _active_users(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    rows = (
        Partner.objects.filter(tenant=tenant, pk__in=ids)
        .annotate(n=Count("memberships", filter=Q(memberships__is_active=True)))
        .values_list("pk", "n")
    )
    return {pk: Decimal(n) for pk, n in rows}


def _months_in_program(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    rows = Partner.objects.filter(tenant=tenant, pk__in=ids, joined_on__isnull=False).values_list(
        "pk", "joined_on"
    )
    end = period.end  # as of the period's last day: the evaluation's "today"
    return {
        pk: Decimal(max(0, (end.year - joined.year) * 12 + end.month - joined.month))
        for pk, joined in rows
        if joined is not None  # never, by the filter: it tells the type checker so
    }


register(
    Metric(
        name="partners.active_users",
        label=_("active users"),
        label_one=_("active user"),
        unit="count",
        description=_("Partner users who can sign in to the portal."),
        by_partner=_active_users,
    )
)
register(
    Metric(
        name="partners.months_in_program",
        label=_("months in the program"),
        label_one=_("month in the program"),
        unit="months",
        description=_("Whole months since the partner joined the program."),
        by_partner=_months_in_program,
    )
)
