"""The registry of named metrics (KPIs). Each is defined once, by the app owning its data.

A metric is a database aggregate over partners of one tenant and a period. Tier rules,
dashboards, scorecards, alerts and QBRs all read metrics from here, so a number is the same
wherever it is shown, and a lower app never imports a higher one to use a metric.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise

from prm.figures import format_number, format_percent
from prm.money import format_money
from prm.tenancy.models import Tenant

from .periods import Period

#: (tenant, period, partner ids) -> {partner id: value}; partners without data may be absent
ByPartner = Callable[[Tenant, Period, list[int]], dict[int, Decimal]]


@dataclass(frozen=True)
class Metric:
    name: str  # "<app>.<what>", e.g. "partners.active_users"
    label: str | Promise
    unit: str  # "count", "months", "money", "percent", "days", "ratio" (4.5×)
    description: str | Promise
    by_partner: ByPartner
    #: the label after "1" ("1 more active user"); the plural label when empty
    label_one: str | Promise = ""

    def for_partners(
        self, tenant: Tenant, period: Period, partner_ids: Iterable[int]
    ) -> dict[int, Decimal]:
        """Every asked partner's value (0 where the metric found no data): one query."""
        ids = list(partner_ids)
        found = self.by_partner(tenant, period, ids) if ids else {}
        return {pk: Decimal(found.get(pk, 0)) for pk in ids}

    def format(self, value: Decimal | None, *, currency: str) -> str:
        """A value of this metric as people read it (see `format_value`)."""
        return format_value(value, self.unit, currency=currency)


def format_value(value: Decimal | None, unit: str, *, currency: str) -> str:
    """A metric's value as people read it: "6" (a count, never "6.00"), "$5,000.00" (money, in
    `currency`: the tenant's default), "42.5%" (a percentage), "4.5×" (a ratio); "—" for none."""
    if value is None:
        return "—"
    if unit == "money" and currency:
        return format_money(value, currency)
    if unit == "percent":
        return format_percent(value)
    if unit == "ratio":
        return format_number(value) + "×"
    return format_number(value)


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    if metric.name in _METRICS and _METRICS[metric.name] != metric:
        raise ValueError(f"Metric {metric.name} registered twice")
    _METRICS[metric.name] = metric


def get(name: str) -> Metric:
    try:
        return _METRICS[name]
    except KeyError:
        raise ValueError(f"Unknown metric {name!r}") from None


def all_metrics() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda m: m.name)


def choices() -> list[tuple[str, str]]:
    return [(m.name, str(m.label)) for m in all_metrics()]
