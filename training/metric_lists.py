"""The enrolments behind the training app's metrics (`Metric.list_url`): the admin's enrolments
list (`training/enrolments_admin.py`) filtered to the active users' enrolments completed, or
started, in the period, and to the partner when given."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.http import urlencode

from prm.metrics.periods import Period

MetricList = Callable[[Period, int | None], str]


def _enrolments(day_field: str) -> MetricList:
    def url(period: Period, partner_id: int | None) -> str:
        query: dict[str, str | int] = {
            # the metrics count the partner's active users only (training/metrics.py)
            "membership__is_active": 1,
            f"{day_field}__date__gte": period.start.isoformat(),
            f"{day_field}__date__lte": period.end.isoformat(),
        }
        if partner_id is not None:
            query["partner"] = partner_id
        return reverse("admin:training_enrolment_changelist") + "?" + urlencode(query)

    return url


#: `training.courses_passed`: the enrolments completed in the period
COMPLETED_LIST = _enrolments("completed_at")
#: `training.completion_rate`: the enrolments started in the period (passed ones marked)
STARTED_LIST = _enrolments("started_at")
