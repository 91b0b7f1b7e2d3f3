"""The admin lists behind the MDF app's metrics (`Metric.list_url`).

`mdf.roi` links to the MDF requests list filtered to its rows: the funded campaigns (a claim
approved or paid) of the funds overlapping the period, and the partner when given. The
allocation metrics (`mdf.allocated`, `mdf.committed`, `mdf.reimbursed`, `mdf.utilisation`) have
no list: allocations are listed per fund (`admin:mdf_fund_allocations`), and a period may
overlap several funds (a year overlaps its four quarters' funds), so no one list holds their
rows."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.http import urlencode

from prm.metrics.periods import Period

from .roi import SPENT

MetricList = Callable[[Period, int | None], str]


def funded_list(period: Period, partner_id: int | None) -> str:
    """The requests whose claim was approved or paid, of the funds overlapping `period`."""
    query: dict[str, str | int] = {
        "status": "all",  # the list opens on the requests waiting for a decision
        "claim__status__in": ",".join(SPENT),
        "fund__starts_on__lte": period.end.isoformat(),
        "fund__ends_on__gte": period.start.isoformat(),
    }
    if partner_id is not None:
        query["partner"] = partner_id
    return reverse("admin:mdf_mdfrequest_changelist") + "?" + urlencode(query)
