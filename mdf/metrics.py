"""The MDF app's metrics, registered in the core registry (`prm.metrics`), so that dashboards,
scorecards, alerts and QBRs read the same figures as the fund overview.

A period selects the funds whose own period overlaps it (a Q2 fund counts in Q2 and in its
year). Money is summed per currency and converted to the tenant's currency at the rates in force
on the period's last day (`prm.exchange.rates`); a currency without a rate is left out. The four
allocation metrics are one query for any number of partners and periods.

- `mdf.allocated`: what the partner was allocated.
- `mdf.committed`: what approvals took of it: committed, claimed and paid (money approved for
  the partner's requests, whether claimed yet or not).
- `mdf.reimbursed`: what was paid to the partner.
- `mdf.utilisation`: committed (as above) ÷ allocated, in percent, a ratio of sums.
- `mdf.roi`: revenue of the won registrations linked to the partner's funded campaigns ÷ what
  those campaigns cost (approved and paid claims), a ratio of sums ("4.5" for 4.5×); a
  campaign's revenue counts deals in its own currency only (`mdf.roi`).
"""

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.metrics.registry import Metric, Part, Ratio, Rows, Total, admin_list, register

from .models import Allocation, MdfRequest
from .roi import SPENT, with_roi


def _fund_overlaps(period: Period) -> Q:
    return Q(fund__starts_on__lte=period.end, fund__ends_on__gte=period.start)


# `mdf.roi`'s rows in the MDF requests list: the funded campaigns (a claim approved or paid) of
# the funds overlapping the period ("status": the list opens on the requests waiting for a
# decision otherwise). The allocation metrics have no list: allocations are listed per fund
# (`admin:mdf_fund_allocations`), and a period may overlap several funds (a year its four
# quarters'), so no one list holds their rows.
FUNDED_LIST = admin_list(
    "admin:mdf_mdfrequest_changelist",
    overlapping=("fund__starts_on", "fund__ends_on"),
    status="all",
    claim__status__in=",".join(SPENT),
)

ALLOCATIONS = Rows(
    queryset=lambda tenant: Allocation.objects.filter(tenant=tenant),
    in_period=_fund_overlaps,
    currency="currency",
    name="allocations",
)
FUNDED = Rows(
    queryset=lambda tenant: with_roi(
        MdfRequest.objects.filter(tenant=tenant, claim__status__in=SPENT)
    ),
    in_period=_fund_overlaps,
    currency="currency",
    name="funded campaigns",
)
USED = F("committed") + F("claimed") + F("reimbursed")

for metric in [
    Metric(
        name="mdf.allocated",
        label=_("MDF allocated"),
        unit="money",
        description=_("Market development funds allocated to the partner from the period's funds."),
        rows=ALLOCATIONS,
        value=Total(Part("allocated", money=True)),
    ),
    Metric(
        name="mdf.committed",
        label=_("MDF committed"),
        unit="money",
        description=_(
            "Of the partner's allocations of the period's funds, what approved requests took: "
            "committed, claimed and paid."
        ),
        rows=ALLOCATIONS,
        value=Total(Part(USED, money=True)),
    ),
    Metric(
        name="mdf.reimbursed",
        label=_("MDF reimbursed"),
        unit="money",
        description=_("Market development funds of the period's funds paid to the partner."),
        rows=ALLOCATIONS,
        value=Total(Part("reimbursed", money=True)),
    ),
    Metric(
        name="mdf.utilisation",
        label=_("MDF utilisation"),
        unit="percent",
        description=_(
            "Committed, claimed and paid ÷ allocated, over the partner's allocations of the "
            "period's funds."
        ),
        rows=ALLOCATIONS,
        value=Ratio(Part(USED, money=True), Part("allocated", money=True)),
    ),
    Metric(
        name="mdf.roi",
        label=_("MDF return (revenue ÷ spend)"),
        unit="ratio",
        description=_(
            "Revenue of the won registrations linked to the partner's funded campaigns of the "
            "period's funds, per unit of what those campaigns cost."
        ),
        rows=FUNDED,
        value=Ratio(
            Part("roi_revenue", money=True), Part("roi_spend", money=True), scale=1, places="0.01"
        ),
        list_url=FUNDED_LIST,
    ),
]:
    register(metric)
