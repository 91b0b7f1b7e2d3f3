"""The commissions app's metrics, registered in the core registry (`prm.metrics`), so that
dashboards, scorecards, alerts and QBRs read the same figures as the money view.

Money metrics are in the tenant's default currency: the ledger is summed per partner and
currency in the database, then each currency's sum is converted at the tenant's exchange rate in
force on the period's last day (`prm.exchange.rates`: reporting only, no line's amount changes).
A currency without a rate on that day is left out, never guessed.

- `commissions.earned`: the commission deals earned in the period — deal lines earned in it,
  net of the reversals and clawbacks of deal lines recorded in it (a deal reopened next month
  lowers next month's figure, not this one's).
- `commissions.paid`: what was paid on statements paid in the period (every line of them:
  commissions, incentives, bonuses and adjustments).
- `commissions.incentives_paid`: SPIF and tier-bonus lines paid in the period (their statement's
  payment day), net of their reversals paid in it.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.metrics.registry import Metric, Part, Rows, Total, admin_list, register

from .models import Line, Statement

S = Line.Source


# The commission ledger (commissions/admin/ledger.py) filtered to a metric's lines: its own
# filters, so a CAM following a link still sees only their partners' lines.
LEDGER = "admin:commissions_line_changelist"
#: `commissions.earned`: deal commission and its clawbacks, by the day they were earned
EARNED_LIST = admin_list(LEDGER, days="earned_on", commission="deals")
#: `commissions.paid`: every line of the statements paid in the period
PAID_LIST = admin_list(
    LEDGER,
    days="statement__paid_on",
    state__exact=Line.State.PAID,
    statement__status=Statement.Status.PAID,
)
#: `commissions.incentives_paid`: the SPIF and tier-bonus lines of those statements
INCENTIVES_PAID_LIST = admin_list(
    LEDGER,
    days="statement__paid_on",
    state__exact=Line.State.PAID,
    statement__status=Statement.Status.PAID,
    source__in=f"{Line.Source.SPIF},{Line.Source.TIER_BONUS}",
)

EARNED = Rows(
    queryset=lambda tenant: Line.objects.filter(
        Q(source=S.DEAL) | Q(source=S.CLAWBACK, reverses__source=S.DEAL), tenant=tenant
    ),
    day="earned_on",
    currency="currency",
    name="commission earned",
)
PAID = Rows(
    queryset=lambda tenant: Line.objects.filter(
        tenant=tenant, state=Line.State.PAID, statement__status=Statement.Status.PAID
    ),
    day="statement__paid_on",
    currency="currency",
    name="lines paid",
)

for metric in [
    Metric(
        name="commissions.earned",
        label=_("commission earned"),
        unit="money",
        description=_(
            "Commission on deals earned in the period, net of the reversals recorded in it, in "
            "the tenant's currency at the rates in force on the period's last day; currencies "
            "without a rate are left out."
        ),
        rows=EARNED,
        value=Total(Part("amount", money=True)),
        list_url=EARNED_LIST,
    ),
    Metric(
        name="commissions.paid",
        label=_("commission paid"),
        unit="money",
        description=_(
            "What was paid on the commission statements paid in the period, in the tenant's "
            "currency at the rates in force on the period's last day; currencies without a rate "
            "are left out."
        ),
        rows=PAID,
        value=Total(Part("amount", money=True)),
        list_url=PAID_LIST,
    ),
    Metric(
        name="commissions.incentives_paid",
        label=_("incentives paid"),
        unit="money",
        description=_(
            "SPIF awards and tier bonuses paid to the partner in the period (on its paid "
            "statements), in the program's currency at the rates of the period's last day."
        ),
        rows=PAID,
        value=Total(Part("amount", where=Q(source__in=[S.SPIF, S.TIER_BONUS]), money=True)),
        list_url=INCENTIVES_PAID_LIST,
    ),
]:
    register(metric)
