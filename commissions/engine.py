"""What a won deal earns: the plan version in force on its close date, applied to the deal.

The one place a commission is worked out: the accrual on a win, the admin's "what would this
deal earn" preview and the recalculation of a period all call `calculate`, so they can never
disagree. A calculation runs at full precision and is quantized once, at the end, in the
line's currency (`prm.money.quantize`).

How a version pays (its rules are loaded once per version: `Rules.of`):

1. the rate: the highest product override among the deal's products, else the partner type's
   rate (percent or a fixed amount per deal), else the version's default rate;
2. the tier's points are added to a percent rate ("Gold +5 points");
3. the accelerator: with a quota for the type, the part of the deal's amount above what is
   left of the quota in the statement period earns the accelerated rate (plus the points);
4. the deal type's multiplier (new, upsell, renewal);
5. the cap per deal.

Fixed amounts, quotas and caps are in the version's currency: a deal in another currency gets
its percent rate in its own currency, no quota and no cap, and a fixed amount in the version's
currency (nothing is converted).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from prm.figures import format_number
from prm.money import format_money, quantize
from prm.tenancy.models import Tenant

from .models import PlanVersion, TypeRate

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def version_in_force(tenant: Tenant, day: date) -> PlanVersion | None:
    """The published plan version in force on `day` (the latest starting on or before it)."""
    return (
        PlanVersion.objects.filter(
            tenant=tenant, status=PlanVersion.Status.PUBLISHED, effective_from__lte=day
        )
        .order_by("-effective_from")
        .first()
    )


def published_versions(tenant: Tenant) -> list[PlanVersion]:
    """Every published version, latest start first (to find the one in force on any day)."""
    return list(
        PlanVersion.objects.filter(tenant=tenant, status=PlanVersion.Status.PUBLISHED).order_by(
            "-effective_from"
        )
    )


def in_force(versions: Iterable[PlanVersion], day: date) -> PlanVersion | None:
    """Of `versions` (latest start first), the one in force on `day`."""
    return next((v for v in versions if v.effective_from <= day), None)


@dataclass(frozen=True)
class Rules:
    """A version's rules, loaded in three queries."""

    version: PlanVersion
    type_rates: dict[int, TypeRate]
    uplifts: dict[int, Decimal]
    overrides: dict[int, Decimal]

    @classmethod
    def of(cls, version: PlanVersion) -> "Rules":
        return cls(
            version=version,
            type_rates={r.partner_type_id: r for r in version.type_rates.all()},
            uplifts={u.tier_id: Decimal(u.points) for u in version.tier_uplifts.all()},
            overrides={o.product_id: Decimal(o.rate) for o in version.product_overrides.all()},
        )


@dataclass(frozen=True)
class DealFacts:
    """What a calculation needs to know of a deal (read from a `Deal`, or from rows in bulk)."""

    amount: Decimal
    currency: str
    deal_type: str
    partner_type_id: int | None
    tier_id: int | None
    product_ids: tuple[int, ...] = ()
    #: what the partner won before this deal in the statement period, in the version's
    #: currency (for the accelerator)
    won_before: Decimal = ZERO


@dataclass(frozen=True)
class Calculation:
    """What a deal earns under a version, and how (`basis`, kept on the line)."""

    amount: Decimal  # quantized once, in `currency`
    currency: str
    version: PlanVersion
    basis: dict[str, Any] = field(default_factory=dict)

    def explain(self) -> str:
        """The calculation as a partner reads it: "20% + 5 points (tier) of €50,000.00"."""
        return explain(self.basis)


def calculate(rules: Rules, facts: DealFacts) -> Calculation:
    """What a deal with `facts` earns under `rules` (see the module's docstring)."""
    version = rules.version
    base = Decimal(facts.amount)
    points = rules.uplifts.get(facts.tier_id, ZERO) if facts.tier_id is not None else ZERO
    type_rate = (
        rules.type_rates.get(facts.partner_type_id) if facts.partner_type_id is not None else None
    )
    overrides = [rules.overrides[p] for p in facts.product_ids if p in rules.overrides]
    same_currency = facts.currency == version.currency
    basis: dict[str, Any] = {
        "version": version.number,
        "base": str(base),
        "base_currency": facts.currency,
        "points": str(points),
        "deal_type": facts.deal_type,
    }
    currency = facts.currency
    if overrides:
        rate = max(overrides) + points
        raw = base * rate / HUNDRED
        basis.update(method="percent", rate=str(rate), override=True)
    elif type_rate is not None and type_rate.method == TypeRate.Method.FIXED:
        currency = version.currency
        raw = Decimal(type_rate.fixed_amount or 0)
        basis.update(method="fixed", fixed=str(raw))
    else:
        rate = Decimal(type_rate.rate) if type_rate is not None else Decimal(version.default_rate)
        rate += points
        raw = base * rate / HUNDRED
        basis.update(method="percent", rate=str(rate))
        if type_rate is not None and type_rate.quota is not None and same_currency:
            room = max(Decimal(type_rate.quota) - facts.won_before, ZERO)
            above = max(base - room, ZERO)
            if above > 0:
                fast = Decimal(type_rate.accelerated_rate or 0) + points
                raw = (base - above) * rate / HUNDRED + above * fast / HUNDRED
                basis.update(accelerated=str(above), accelerated_rate=str(fast))
    multiplier = version.multiplier_for(facts.deal_type)
    raw *= multiplier
    basis["multiplier"] = str(multiplier)
    if version.cap_per_deal is not None and currency == version.currency:
        cap = Decimal(version.cap_per_deal)
        if raw > cap:
            raw = cap
            basis["capped"] = str(cap)
    amount = quantize(raw, currency)
    basis["amount"] = str(amount)
    basis["currency"] = currency
    return Calculation(amount=amount, currency=currency, version=version, basis=basis)


def explain(basis: dict[str, Any]) -> str:
    """How a line's amount was worked out, in words, from its `basis`."""
    if not basis:
        return ""
    base = format_money(Decimal(basis["base"]), basis["base_currency"])
    if basis.get("method") == "fixed":
        text = _("a fixed %(amount)s per deal") % {
            "amount": format_money(Decimal(basis["fixed"]), basis["currency"])
        }
    else:
        text = _("%(rate)s%% of %(base)s") % {"rate": _number(basis["rate"]), "base": base}
        if basis.get("override"):
            text += " " + _("(product rate)")
        if Decimal(basis.get("points", 0)):
            text += " " + _("(incl. %(points)s tier points)") % {"points": _number(basis["points"])}
        if basis.get("accelerated"):
            text += ", " + _("%(rate)s%% on %(above)s above the quota") % {
                "rate": _number(basis["accelerated_rate"]),
                "above": format_money(Decimal(basis["accelerated"]), basis["base_currency"]),
            }
    if Decimal(basis.get("multiplier", 1)) != 1:
        text += " × " + _number(basis["multiplier"])
    if basis.get("capped"):
        text += ", " + _("capped at %(cap)s") % {
            "cap": format_money(Decimal(basis["capped"]), basis["currency"])
        }
    return _("Plan version %(version)s: %(how)s") % {"version": basis["version"], "how": text}


def _number(value: str) -> str:
    """A rate or multiplier as people of the active language write it: "20", "12.5"."""
    return format_number(Decimal(value))
