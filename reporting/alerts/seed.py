"""The alert rules every tenant starts with (on `platform.tenant.created`, and in the demo).

Seeded once per tenant by their `seed_key`: running it again adds nothing, and a rule the
tenant changed or paused stays as they left it.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from prm.notifications.events import Event
from prm.tenancy.models import Tenant

from ..models import AlertRule

R = AlertRule


def seeded_rules() -> list[dict[str, object]]:
    return [
        {
            "seed_key": "inactive_partner",
            "name": _("A partner with no deal or login for 60 days"),
            "metric": "deals.active_partners",
            "scope": R.Scope.PARTNER,
            "comparison": R.Comparison.BELOW,
            "threshold": Decimal(1),
            "window": R.Window.TRAILING,
            "trailing_days": 60,
            "owner": R.Owner.CAMS,
            "channel": R.Channel.EMAIL,
        },
        {
            "seed_key": "decision_time",
            "name": _("Median decision time over 24 business hours"),
            "metric": "deals.decision_hours",
            "scope": R.Scope.PROGRAM,
            "comparison": R.Comparison.ABOVE,
            "threshold": Decimal(24),
            "window": R.Window.TRAILING,
            "trailing_days": 30,
            "resolve_margin": Decimal(2),
            "resolve_after": 3,
            "owner": R.Owner.LEADERS,
            "channel": R.Channel.EMAIL,
        },
        {
            "seed_key": "mdf_utilisation",
            "name": _("MDF utilisation under 40% by week 8 of the quarter"),
            "metric": "mdf.utilisation",
            "scope": R.Scope.PARTNER,
            "comparison": R.Comparison.BELOW,
            "threshold": Decimal(40),
            "window": R.Window.QUARTER,
            "from_week": 8,
            "owner": R.Owner.CAMS,
            "channel": R.Channel.DIGEST,
        },
        {
            "seed_key": "certified_below_tier",
            "name": _("Certified users below the tier's minimum"),
            "metric": "training.certified_users",
            "scope": R.Scope.PARTNER,
            "comparison": R.Comparison.BELOW_TIER,
            "threshold": None,
            "window": R.Window.TRAILING,
            "trailing_days": 365,
            "owner": R.Owner.CAMS,
            "channel": R.Channel.DIGEST,
        },
        {
            "seed_key": "psat_below_7",
            "name": _("A partner's PSAT fell below 7"),
            "metric": "partners.psat",
            "scope": R.Scope.PARTNER,
            "comparison": R.Comparison.BELOW,
            "threshold": Decimal(7),
            "window": R.Window.TRAILING,
            "trailing_days": 180,
            "owner": R.Owner.CAMS,
            "channel": R.Channel.EMAIL,
        },
    ]


def alert_rules_seed(*, tenant: Tenant) -> int:
    """Add the seeded rules the tenant lacks; how many were added."""
    have = set(
        AlertRule.objects.filter(tenant_id=tenant.pk)
        .exclude(seed_key="")
        .values_list("seed_key", flat=True)
    )
    new = [
        AlertRule(tenant=tenant, **values)
        for values in seeded_rules()
        if values["seed_key"] not in have
    ]
    AlertRule.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def on_tenant_created(event: Event) -> None:
    """A new tenant starts with the seeded rules."""
    alert_rules_seed(tenant=event.tenant)
