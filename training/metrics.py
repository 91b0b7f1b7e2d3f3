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

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.metrics.registry import Metric, Part, Ratio, Rows, Total, admin_list, register

from .models import Enrolment

# The enrolments list (training/enrolments_admin.py) filtered to a metric's rows: the active users'
# enrolments (what the metrics count) completed, or started, in the period.
ENROLMENTS = "admin:training_enrolment_changelist"
COMPLETED_LIST = admin_list(ENROLMENTS, days="completed_at__date", membership__is_active=1)
STARTED_LIST = admin_list(ENROLMENTS, days="started_at__date", membership__is_active=1)

COMPLETED = Rows(
    queryset=lambda tenant: Enrolment.objects.filter(tenant=tenant, membership__is_active=True),
    day="completed_at__date",
    partner="membership__partner",
    name="courses completed",
    member="membership",
)
STARTED = Rows(
    queryset=lambda tenant: Enrolment.objects.filter(tenant=tenant, membership__is_active=True),
    day="started_at__date",
    partner="membership__partner",
    name="courses started",
    member="membership",
)

register(
    Metric(
        name="training.courses_passed",
        label=_("courses passed"),
        label_one=_("course passed"),
        unit="count",
        description=_("Courses the partner's active users passed in the period."),
        rows=COMPLETED,
        value=Total(Part(1)),
        list_url=COMPLETED_LIST,
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
        rows=STARTED,
        value=Ratio(Part(1, where=Q(completed_at__isnull=False)), Part(1)),
        list_url=STARTED_LIST,
    )
)
