"""Recalculating a period: what each deal won in it should earn now, against what its standing
lines add up to; the differences previewed, then corrected on confirmation.

Set-based: one query streams the deals won in the period (with their product ids, and those
won earlier in the same statement period, for the accelerator's quota), one reads the standing
lines' sums per deal and currency, each version's rules are loaded once; nothing is read per
deal. Corrections are written in chunks (`ledger.post_many`): for each difference the standing
lines are reversed and a new line is posted, keyed `recalc:<deal>:<run>`, so a run posted
twice (a double submit) writes once.

What a deal should earn: the version in force on its close date, the partner's type and tier
recorded on its standing line (the time of the deal) — or the partner's current ones when it
has none — and the engine (`commissions.engine.calculate`).
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.events import tenant_day
from deals.models import Deal, reference_of
from prm.audit.services import audit_record
from prm.metrics.periods import Period, month_of, quarter_of
from prm.money import format_money
from prm.tenancy.models import Membership, Tenant

from .. import ledger
from ..accrual import statement_period
from ..engine import DealFacts, Rules, calculate, in_force, published_versions
from ..models import Line, PlanVersion
from ..setup import commission_settings

MONTH, QUARTER = "month", "quarter"


def period_of(kind: str, day: date) -> Period:
    """The month or quarter holding `day`."""
    return quarter_of(day) if kind == QUARTER else month_of(day)


def period_label(tenant: Tenant, period: Period) -> str:
    return _("%(start)s to %(end)s") % {
        "start": tenant_day(tenant, period.start),
        "end": tenant_day(tenant, period.end),
    }


@dataclass
class Difference:
    """One deal whose standing lines differ from what it should earn now."""

    deal_id: int
    reference: str
    partner_id: int
    partner: str
    closed_on: date
    #: what it should earn (None: nothing, e.g. no version in force)
    should: Decimal | None
    should_currency: str
    version: PlanVersion | None
    basis: dict[str, Any]
    partner_type_id: int | None
    tier_id: int | None
    owner_id: int | None
    #: what its standing lines add up to, per currency
    standing: dict[str, Decimal]
    standing_versions: list[int]
    line_ids: list[int]
    hold_until: date | None

    @property
    def deltas(self) -> dict[str, Decimal]:
        found = {c: -v for c, v in self.standing.items()}
        if self.should:
            found[self.should_currency] = found.get(self.should_currency, Decimal(0)) + self.should
        return {c: v for c, v in found.items() if v}

    @property
    def why(self) -> str:
        was = sorted(set(self.standing_versions))
        now = self.version.number if self.version is not None else None
        if now is None:
            return _("no plan version is in force on %(day)s") % {"day": self.closed_on}
        if was and was != [now]:
            return _("version %(now)s is in force on the close date (paid by version %(was)s)") % {
                "now": now,
                "was": ", ".join(str(v) for v in was),
            }
        return _("version %(now)s gives %(should)s, the ledger holds %(held)s") % {
            "now": now,
            "should": format_money(self.should or Decimal(0), self.should_currency),
            "held": ", ".join(format_money(v, c) for c, v in sorted(self.standing.items()))
            or _("nothing"),
        }


@dataclass
class Recalculation:
    period: Period
    deals: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        """The corrections' sum per currency (never added across currencies)."""
        found: dict[str, Decimal] = {}
        for diff in self.differences:
            for currency, value in diff.deltas.items():
                found[currency] = found.get(currency, Decimal(0)) + value
        return dict(sorted(found.items()))


def _standing(tenant: Tenant, start: date, end: date) -> dict[int, dict[str, Any]]:
    """Per deal won in the period, its standing accrual lines: sums per currency, the type and
    tier they recorded, their versions' ids, their ids (one query).

    A deal's lines are found by the day they were earned (its close date when accrued or
    recalculated), on the ledger's own index, without joining the deals: a deal reopened and
    won on another day had its earlier lines reversed, so they no longer stand.
    """
    rows = (
        Line.objects.filter(
            tenant=tenant,
            source=Line.Source.DEAL,
            earned_on__range=(start, end),
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .order_by()
        .values_list("deal_id", "currency")
        .annotate(
            total=Sum("amount"),
            held_type=Max("partner_type_id"),
            held_tier=Max("tier_id"),
            versions=ArrayAgg("plan_version_id", distinct=True),
            ids=ArrayAgg("pk"),
            hold=Max("hold_until"),
        )
    )
    found: dict[int, dict[str, Any]] = {}
    for deal_id, currency, total, held_type, held_tier, versions, ids, hold in rows.iterator(
        chunk_size=5000
    ):
        entry = found.setdefault(
            deal_id,
            {"sums": {}, "type_id": None, "tier_id": None, "versions": [], "ids": [], "hold": None},
        )
        if total:
            entry["sums"][currency] = total
        entry["type_id"] = entry["type_id"] or held_type
        entry["tier_id"] = entry["tier_id"] or held_tier
        entry["versions"] += [v for v in versions if v is not None]
        entry["ids"] += ids
        if hold and (entry["hold"] is None or hold > entry["hold"]):
            entry["hold"] = hold
    return found


def _won_deals(tenant: Tenant, start: date, end: date) -> Iterator[dict[str, Any]]:
    """The deals won from `start` to `end` with their product ids, in the order the
    accelerator fills a quota (partner, close date, id): one streamed query."""
    return (
        Deal.objects.filter(tenant=tenant, status=Deal.Status.WON, closed_on__range=(start, end))
        .exclude(won_amount__isnull=True)
        .order_by("partner_id", "closed_on", "pk")
        .values(
            "pk",
            "number",
            "partner_id",
            "partner__name",
            "partner__partner_type_id",
            "partner__tier_id",
            "won_amount",
            "currency",
            "deal_type",
            "closed_on",
            "owner_id",
        )
        .annotate(
            product_ids=ArrayAgg("products__pk", distinct=True, filter=Q(products__isnull=False))
        )
        .iterator(chunk_size=5000)
    )


def recalculate(tenant: Tenant, period: Period) -> Recalculation:
    """What every deal won in `period` should earn now against its standing lines; only the
    deals that differ are kept (see the module)."""
    settings = commission_settings(tenant)
    versions = published_versions(tenant)
    numbers = dict(
        PlanVersion.objects.filter(tenant=tenant).values_list("pk", "number")
    )  # a line's version id -> the number people read
    rules: dict[int, Rules] = {}
    # The accelerator counts what the partner won earlier in the statement period, which may
    # start before the recalculated month (quarterly statements).
    start = min(statement_period(settings, period.start).start, period.start)
    standing = _standing(tenant, period.start, period.end)
    result = Recalculation(period=period)
    won: dict[tuple[int, date, str], Decimal] = {}
    for row in _won_deals(tenant, start, period.end):
        closed_on: date = row["closed_on"]
        amount = Decimal(row["won_amount"])
        running = (row["partner_id"], statement_period(settings, closed_on).start, row["currency"])
        before = won.get(running, Decimal(0))
        won[running] = before + amount
        if closed_on < period.start:
            continue
        result.deals += 1
        held = standing.get(row["pk"])
        type_id = held["type_id"] if held else row["partner__partner_type_id"]
        tier_id = held["tier_id"] if held else row["partner__tier_id"]
        if held and held["type_id"] is None and held["tier_id"] is None:
            type_id, tier_id = row["partner__partner_type_id"], row["partner__tier_id"]
        version = in_force(versions, closed_on)
        should, currency, basis = None, row["currency"], {}
        if version is not None:
            if version.pk not in rules:
                rules[version.pk] = Rules.of(version)
            calc = calculate(
                rules[version.pk],
                DealFacts(
                    amount=amount,
                    currency=row["currency"],
                    deal_type=row["deal_type"],
                    partner_type_id=type_id,
                    tier_id=tier_id,
                    product_ids=tuple(row["product_ids"] or ()),
                    won_before=before,
                ),
            )
            should, currency, basis = calc.amount, calc.currency, calc.basis
        sums = held["sums"] if held else {}
        expected = {currency: should} if should else {}
        if sums == expected:
            continue
        result.differences.append(
            Difference(
                deal_id=row["pk"],
                reference=reference_of(row["number"]),
                partner_id=row["partner_id"],
                partner=row["partner__name"],
                closed_on=closed_on,
                should=should,
                should_currency=currency,
                version=version,
                basis=basis,
                partner_type_id=type_id,
                tier_id=tier_id,
                owner_id=row["owner_id"],
                standing=sums,
                standing_versions=[numbers.get(v, 0) for v in held["versions"]] if held else [],
                line_ids=held["ids"] if held else [],
                hold_until=held["hold"] if held else None,
            )
        )
    result.differences.sort(key=lambda d: (d.partner, d.closed_on, d.deal_id))
    return result


def new_run() -> uuid.UUID:
    """The id of a preview: carried by its confirm form, it keys the lines posted."""
    return uuid.uuid4()


def recalc_post(*, actor: Membership, period: Period, run: uuid.UUID) -> int:
    """Post the corrections of `period`: for each deal that differs, reverse its standing
    lines and post what it should earn, keyed `recalc:<deal>:<run>`. Works the differences
    out again under the tenant's recalculation lock (what stood at the preview may have moved);
    a run posted already posts nothing. How many deals were corrected; audited once.
    """
    if not actor.can("commissions.manage"):
        raise PermissionDenied
    tenant = actor.tenant
    label = period_label(tenant, period)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x52434C43, tenant.pk])
        if Line.objects.filter(
            tenant=tenant, key__startswith="recalc:", key__endswith=f":{run}"
        ).exists():
            return 0
        found = recalculate(tenant, period)
        if not found.differences:
            return 0
        today = timezone.localdate()
        reasons = {
            d.deal_id: _("Recalculated %(period)s: %(why)s") % {"period": label, "why": d.why}
            for d in found.differences
        }
        ids = [pk for d in found.differences for pk in d.line_ids]
        for start in range(0, len(ids), ledger.BULK_CHUNK):
            chunk = ids[start : start + ledger.BULK_CHUNK]
            locked = list(
                Line.objects.select_for_update()
                .filter(tenant=tenant, pk__in=chunk, reverses__isnull=True)
                .order_by("pk")
            )
            if Line.objects.filter(tenant=tenant, reverses_id__in=chunk).exists():
                raise ValidationError(_("A line changed meanwhile: preview the period again."))
            Line.objects.bulk_create(
                ledger.reversals_of(locked, actor=actor.user, reason_of=reasons, today=today)
            )
        ledger.post_many(
            Line(
                tenant_id=tenant.pk,
                partner_id=d.partner_id,
                source=Line.Source.DEAL,
                amount=d.should,
                currency=d.should_currency,
                state=Line.State.PENDING,
                earned_on=d.closed_on,
                hold_until=d.hold_until if d.hold_until and d.hold_until > today else None,
                deal_id=d.deal_id,
                owner_id=d.owner_id,
                plan_version=d.version,
                partner_type_id=d.partner_type_id,
                tier_id=d.tier_id,
                basis=d.basis,
                key=f"recalc:{d.deal_id}:{run}",
                reason=reasons[d.deal_id][:500],
                actor=actor.user,
            )
            for d in found.differences
            if d.should
        )
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="commissions.recalc.posted",
            after={
                "period": label,
                "count": len(found.differences),
                "run": str(run),
                "total": ", ".join(format_money(v, c) for c, v in found.totals.items()),
            },
        )
    return len(found.differences)
