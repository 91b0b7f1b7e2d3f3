"""The certification metric in the core registry (`prm.metrics`): tier requirements such as
"2 certified reps", scorecards and dashboards read it by name."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.metrics.registry import Metric, register
from prm.tenancy.models import Tenant

from ..models import CertificationAward


def period_end(period: Period) -> datetime:
    """The moment the period's last day ends, in the current time zone."""
    return timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))


def _certified_users(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    """Active users of each partner holding a valid certification when the period ends (an
    expired or revoked one does not count)."""
    rows = (
        CertificationAward.objects.filter(
            tenant=tenant,
            membership__partner_id__in=ids,
            membership__is_active=True,
            earned_at__lt=period_end(period),
        )
        .filter(CertificationAward.valid_q(period_end(period)))
        .values("membership__partner_id")
        .annotate(n=Count("membership_id", distinct=True))
        .values_list("membership__partner_id", "n")
    )
    return {pk: Decimal(n) for pk, n in rows}


register(
    Metric(
        name="training.certified_users",
        label=_("certified users"),
        label_one=_("certified user"),
        unit="count",
        description=_(
            "The partner's users holding a valid certification (not expired, not revoked)."
        ),
        by_partner=_certified_users,
    )
)
