"""The certification metric in the core registry (`prm.metrics`): tier requirements such as
"2 certified reps", scorecards and dashboards read it by name."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.metrics.registry import Distinct, Metric, Rows, register

from ..models import CertificationAward


def period_end(period: Period) -> datetime:
    """The moment the period's last day ends, in the current time zone."""
    return timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))


def _valid_at_end(period: Period) -> Q:
    end = period_end(period)
    return Q(earned_at__lt=end) & CertificationAward.valid_q(end)


CERTIFICATIONS = Rows(
    queryset=lambda tenant: CertificationAward.objects.filter(
        tenant=tenant, membership__is_active=True
    ),
    in_period=_valid_at_end,
    partner="membership__partner",
    name="certifications held",
    member="membership",
)

register(
    Metric(
        name="training.certified_users",
        label=_("certified users"),
        label_one=_("certified user"),
        unit="count",
        description=_(
            "The partner's users holding a valid certification (not expired, not revoked)."
        ),
        rows=CERTIFICATIONS,
        value=Distinct("membership_id"),
    )
)
