"""Reads of tiers: the ladder, which tier each partner's metrics earn, and what is missing for
the next.

The writes are in `partners.tiers.services`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from prm.metrics import registry
from prm.metrics.periods import last_12_months
from prm.tenancy.models import Tenant

from ..models import Partner, Tier

Values = dict[str, Decimal]  # metric name -> value, for one partner


@dataclass(frozen=True)
class Gap:
    label: str
    missing: Decimal
    unit: str
    label_one: str = ""
    currency: str = ""  # of a money metric: the tenant's default

    @property
    def amount_text(self) -> str:
        return registry.format_value(self.missing, self.unit, currency=self.currency)

    def __str__(self) -> str:
        label = self.label_one if self.missing == 1 and self.label_one else self.label
        return _("%(amount)s more %(label)s") % {"amount": self.amount_text, "label": label}


def tiers_of(tenant: Tenant) -> list[Tier]:
    return list(
        Tier.objects.filter(tenant=tenant).prefetch_related("requirements").order_by("rank")
    )


def metric_values(
    tenant: Tenant, partner_ids: list[int], tiers: list[Tier], today: date
) -> dict[int, Values]:
    """Every metric any tier requires, for every partner: one query per metric."""
    period = last_12_months(today)
    names = sorted({r.metric for t in tiers for r in t.requirements.all()})
    per_metric = {n: registry.get(n).for_partners(tenant, period, partner_ids) for n in names}
    return {pk: {n: per_metric[n][pk] for n in names} for pk in partner_ids}


def earned_tier(values: Values, tiers: list[Tier]) -> Tier | None:
    earned = None
    for tier in tiers:  # by rank, ascending
        if all(values.get(r.metric, Decimal(0)) >= r.threshold for r in tier.requirements.all()):
            earned = tier
    return earned


def gaps_to(tier: Tier, values: Values, *, currency: str = "") -> list[Gap]:
    """What `values` lack for `tier`; money in `currency` (the tenant's default)."""
    gaps = []
    for r in tier.requirements.all():
        have = values.get(r.metric, Decimal(0))
        if have < r.threshold:
            metric = registry.get(r.metric)
            gaps.append(
                Gap(
                    label=str(metric.label),
                    missing=r.threshold - have,
                    unit=metric.unit,
                    label_one=str(metric.label_one),
                    currency=currency,
                )
            )
    return gaps


def next_tier(partner: Partner, tiers: list[Tier]) -> Tier | None:
    rank = partner.tier.rank if partner.tier else 0
    return next((t for t in tiers if t.rank > rank), None)


@dataclass(frozen=True)
class Standing:
    """Where a partner stands: its tier, the next one, and (when there is a next) its metric
    values and the path text."""

    tiers: list[Tier]
    current: Tier | None
    upcoming: Tier | None
    values: Values
    path: str


def standing_of(partner: Partner, today: date) -> Standing | None:
    """The partner's standing in its tenant's tiers; None when the program has no tiers."""
    tiers = tiers_of(partner.tenant)
    if not tiers:
        return None
    current = next((t for t in tiers if t.pk == partner.tier_id), None)
    upcoming = next_tier(partner, tiers)
    values: Values = {}
    path = ""
    if upcoming is not None:
        values = metric_values(partner.tenant, [partner.pk], tiers, today)[partner.pk]
        gaps = gaps_to(upcoming, values, currency=partner.tenant.default_currency)
        path = path_text(gaps, upcoming)
    return Standing(tiers=tiers, current=current, upcoming=upcoming, values=values, path=path)


def path_text(gaps: list[Gap], tier: Tier) -> str:
    """'2 more active users and 3 more months in the program → Gold'."""
    if not gaps:
        return _("You meet the requirements of %(tier)s: your CAM will confirm the move.") % {
            "tier": tier.name
        }
    parts = [str(g) for g in gaps]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + _(" and ") + parts[-1]
    return f"{joined} → {tier.name}"


def requirement_summary(tier: Tier, *, currency: str = "") -> str:
    """The requirements in words: "at least 2 active users, at least $50,000.00 revenue won"
    (money in `currency`)."""
    reqs = list(tier.requirements.all())
    if not reqs:
        return _("Open to every partner")
    parts = []
    for r in reqs:
        metric = registry.get(r.metric)
        label = metric.label_one if r.threshold == 1 and metric.label_one else metric.label
        parts.append(
            _("at least %(n)s %(label)s")
            % {"n": metric.format(r.threshold, currency=currency), "label": label}
        )
    return ", ".join(parts)
