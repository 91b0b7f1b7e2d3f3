"""The training app's metrics, registered in the core registry (`prm.metrics`), so that tier
requirements ("2 courses passed → Gold"), dashboards and QBRs read the same numbers.

Both count only the partner's **active** users: a rep who left takes their training with them,
as they would to another company. Days are the tenant's (the period is in its calendar).

- `training.courses_passed`: courses passed in the period (an enrolment completed within it;
  a user passing three courses counts three).
- `training.completion_rate`: of the courses the partner's users started in the period, the
  percentage they have passed (by now). A partner whose users started nothing has no rate
  and reads 0, as every metric does for a partner without data.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.metrics.registry import Metric, register
from prm.tenancy.models import Tenant

from .models import Enrolment


def _of_active_users(tenant: Tenant, ids: list[int]) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        tenant=tenant, membership__partner_id__in=ids, membership__is_active=True
    )


def _courses_passed(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    rows = (
        _of_active_users(tenant, ids)
        .filter(completed_at__date__gte=period.start, completed_at__date__lte=period.end)
        .order_by()
        .values("membership__partner_id")
        .annotate(n=Count("id"))
    )
    return {row["membership__partner_id"]: Decimal(row["n"]) for row in rows}


def _completion_rate(tenant: Tenant, period: Period, ids: list[int]) -> dict[int, Decimal]:
    rows = (
        _of_active_users(tenant, ids)
        .filter(started_at__date__gte=period.start, started_at__date__lte=period.end)
        .order_by()
        .values("membership__partner_id")
        .annotate(started=Count("id"), passed=Count("id", filter=Q(completed_at__isnull=False)))
    )
    return {
        row["membership__partner_id"]: (
            Decimal(100 * row["passed"]) / Decimal(row["started"])
        ).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for row in rows
    }


register(
    Metric(
        name="training.courses_passed",
        label=_("courses passed"),
        label_one=_("course passed"),
        unit="count",
        description=_("Courses the partner's active users passed in the period."),
        by_partner=_courses_passed,
    )
)
register(
    Metric(
        name="training.completion_rate",
        label=_("training completion rate"),
        unit="percent",
        description=_(
            "Of the courses the partner's active users started in the period, the percentage "
            "they passed."
        ),
        by_partner=_completion_rate,
    )
)
