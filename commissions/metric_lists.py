"""The ledger lines behind the commissions app's metrics (`Metric.list_url`): the admin's
commission ledger filtered to the lines a metric counts in a period, and to the partner when
given. The filters are the list's own (`commissions/admin/ledger.py`), so the list shows exactly
the metric's rows; a CAM following a link still sees only their partners' lines."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.http import urlencode

from prm.metrics.periods import Period

from .models import Line, Statement

MetricList = Callable[[Period, int | None], str]


def _lines(day_field: str, **filters: str) -> MetricList:
    """The ledger filtered by `filters` and by the period's days of `day_field`."""

    def url(period: Period, partner_id: int | None) -> str:
        query: dict[str, str | int] = {
            **filters,
            f"{day_field}__gte": period.start.isoformat(),
            f"{day_field}__lte": period.end.isoformat(),
        }
        if partner_id is not None:
            query["partner"] = partner_id
        return reverse("admin:commissions_line_changelist") + "?" + urlencode(query)

    return url


#: `commissions.earned`: deal commission and its clawbacks, by the day they were earned
EARNED_LIST = _lines("earned_on", commission="deals")
#: `commissions.paid`: every line of the statements paid in the period
PAID_STATEMENTS = {"state__exact": Line.State.PAID, "statement__status": Statement.Status.PAID}
PAID_LIST = _lines("statement__paid_on", **PAID_STATEMENTS)
#: `commissions.incentives_paid`: the SPIF and tier-bonus lines of those statements
INCENTIVES_PAID_LIST = _lines(
    "statement__paid_on",
    **PAID_STATEMENTS,
    source__in=f"{Line.Source.SPIF},{Line.Source.TIER_BONUS}",
)
