"""The demo's KPI alerts (C): the seeded rules, then the sweep run over the demo's own data.

Runs after every other app's seeders (and the year of history), so the alerts come from real
figures. The sweep is run as on earlier days (weekly over the last half year, then today),
as beat would have run it: alerts open when a rule started holding on one of those days
and resolve when it stopped, so the demo shows open and resolved alerts that the rules really
produce. Nothing is inserted by hand.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from prm.exchange.services import tenant_today
from prm.tenancy.models import Tenant

from .alerts.seed import alert_rules_seed
from .alerts.sweep import sweep_tenant
from .models import AlertRule

#: the days the demo sweeps on, in days before today (oldest first): weekly, so that the
#: decision-time rule (resolving after 3 evaluations) can resolve between two crossings
SWEEP_DAYS_AGO = tuple(range(182, -1, -7))


def seed_demo_alerts(tenant: Tenant) -> None:
    alert_rules_seed(tenant=tenant)
    # A rule a program leader would add: the SLA target the program promises partners. The
    # demo's history has attainment climbing from about 65 % towards 90 % over the year.
    AlertRule.objects.get_or_create(
        tenant=tenant,
        name=_("Decisions within the SLA under 90% this quarter"),
        defaults={
            "metric": "deals.sla_attainment",
            "scope": AlertRule.Scope.PROGRAM,
            "comparison": AlertRule.Comparison.BELOW,
            "threshold": Decimal(90),
            "window": AlertRule.Window.QUARTER,
            "resolve_margin": Decimal(2),
            "owner": AlertRule.Owner.LEADERS,
            "channel": AlertRule.Channel.EMAIL,
        },
    )
    today = tenant_today(tenant)
    for days in SWEEP_DAYS_AGO:
        sweep_tenant(tenant, today=today - timedelta(days=days))
