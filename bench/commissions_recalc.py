"""The commissions bench: a period's recalculation over 200k won deals of one tenant.

`python -m bench generate-recalc --scale S|M` (on a database holding the deals bench)
gives the bench tenant a commission plan (version 1, a year old: 10% for its first partner type,
5% for the others, +3 points for its first tier, 15% for its first product) and 200k deals won
this month (20k at S), spread over its partners, each with the line the accrual would have
posted (worked out by the engine, the accelerator included), COPY-loaded.

`python -m bench recalc --scale S|M` then times, in seconds (`recalc_*` below):
- the recalculation preview of this month when nothing differs (every deal read, none listed);
- publishing version 2 from the first of the month (every deal type's multiplier 1.1, the
  first type's rate 12%: every deal changes), with `commissions.plan.changed` to each affected
  partner;
- the preview again (every deal listed) and posting the corrections (a reversal and a new line
  per deal, written in chunks);
- the preview once more (nothing differs) as a check.
It prints the figures and writes them to `results/commissions-<scale>.json`.
"""

import json
import random
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope

from commissions.engine import DealFacts, Rules, calculate
from commissions.models import Line, Plan, PlanVersion, ProductOverride, TierUplift, TypeRate
from commissions.services import plans, recalc
from deals.models import Deal, Product
from partners.models import Partner, PartnerType, Tier
from prm.metrics.periods import month_of
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .bulk import copy_rows, reserve_ids
from .generate import BENCH_SLUG, log
from .mdf import _owners

CHUNK = 5_000
WON_DEALS = {"S": 20_000, "M": 200_000, "L": 200_000}
RESULTS = Path(__file__).parent / "results"


def _period(today: date) -> tuple[date, date]:
    month = month_of(today)
    return month.start, today


def generate_commissions(scale: str, seed: int = 20240601) -> None:
    """Add the plan and the won deals with their lines (when the bench tenant has no plan)."""
    tenant = Tenant.objects.get(slug=BENCH_SLUG)
    with scope(tenant=tenant):
        if Plan.objects.filter(tenant=tenant).exists():
            log("commissions: the bench tenant has its plan already; nothing loaded")
            return
        started = time.monotonic()
        count = recalc_load(tenant, WON_DEALS[scale], seed)
        loaded = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"commissions: {count} won deals with their lines in {loaded:.1f} s")


def recalc_load(tenant: Tenant, n: int, seed: int) -> int:
    rng = random.Random(f"{seed}:{tenant.slug}:commissions")
    today = timezone.localdate()
    start, end = _period(today)
    types = list(PartnerType.objects.filter(tenant=tenant).order_by("pk"))
    tiers = list(Tier.objects.filter(tenant=tenant).order_by("pk"))
    products = list(
        Product.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)
    )
    plan = Plan.objects.create(tenant=tenant, name="Bench partner plan")
    version = PlanVersion.objects.create(
        tenant=tenant, plan=plan, number=1, status=PlanVersion.Status.PUBLISHED,
        effective_from=today - timedelta(days=365), currency=tenant.default_currency,
        default_rate=Decimal(5), published_at=timezone.now(),
    )  # fmt: skip
    if types:
        TypeRate.objects.create(
            tenant=tenant, version=version, partner_type=types[0], rate=Decimal(10),
            quota=Decimal(500_000), accelerated_rate=Decimal(14),
        )  # fmt: skip
    if tiers:
        TierUplift.objects.create(tenant=tenant, version=version, tier=tiers[0], points=Decimal(3))
    if products:
        ProductOverride.objects.create(
            tenant=tenant, version=version, product_id=products[0], rate=Decimal(15)
        )
    rules = Rules.of(version)
    owners = _owners(tenant)
    partners = list(
        Partner.objects.filter(tenant=tenant, pk__in=list(owners))
        .order_by("pk")
        .values_list("pk", "partner_type_id", "tier_id")
    )
    days = (end - start).days + 1
    plan_rows = sorted(
        (rng.choice(partners), start + timedelta(days=rng.randrange(days))) for _i in range(n)
    )
    first_deal = reserve_ids(Deal, n)
    deals: list[dict[str, Any]] = []
    deal_products: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    won: dict[int, Decimal] = {}
    now = timezone.now()
    for i, ((pid, type_id, tier_id), closed_on) in enumerate(plan_rows):
        deal_id = first_deal + i
        amount = Decimal(rng.randint(20, 2_000) * 50)
        chosen = rng.sample(products, min(len(products), rng.choice((1, 1, 2)))) if products else []
        deal_type = rng.choice(("new", "new", "new", "upsell", "renewal"))
        deals.append(
            {
                "id": deal_id, "tenant_id": tenant.pk, "partner_id": pid,
                "owner_id": owners[pid][0], "customer_name": f"Bench customer {deal_id}",
                "customer_website": "", "customer_domain": "", "customer_core": f"bench{deal_id}",
                "customer_key": f"bench{deal_id}", "country": "DE",
                "contact_name": "Bench buyer", "contact_email": f"buyer{deal_id}@example.test",
                "contact_role": "Buyer", "amount": amount, "currency": tenant.default_currency,
                "expected_close_on": closed_on, "deal_type": deal_type, "status": "won",
                "holds_claim": False, "created_at": now, "submitted_at": now,
                "decided_at": now, "approved_at": now, "closed_on": closed_on,
                "won_amount": amount, "close_revision": 1,
            }
        )  # fmt: skip
        deal_products += [{"deal_id": deal_id, "product_id": p} for p in chosen]
        before = won.get(pid, Decimal(0))
        won[pid] = before + amount
        calc = calculate(
            rules,
            DealFacts(
                amount=amount, currency=tenant.default_currency, deal_type=deal_type,
                partner_type_id=type_id, tier_id=tier_id, product_ids=tuple(chosen),
                won_before=before,
            ),
        )  # fmt: skip
        if calc.amount:
            lines.append(
                {
                    "tenant_id": tenant.pk, "partner_id": pid, "source": "deal",
                    "amount": calc.amount, "currency": calc.currency, "state": "pending",
                    "earned_on": closed_on, "deal_id": deal_id, "owner_id": owners[pid][0],
                    "plan_version_id": version.pk, "partner_type_id": type_id,
                    "tier_id": tier_id, "basis": json.dumps(calc.basis),
                    # the accrual's key (accrual.accrual_key): deal, version, revision
                    "key": f"won:{deal_id}:{version.pk}:1", "reason": "Won (bench)",
                    "created_at": now,
                }
            )  # fmt: skip
    # In transactions of CHUNK deals: the numbering trigger updates the tenant's counter row
    # once per deal, and 200k versions of that row in one transaction make a chain every
    # insert walks (quadratic); committed between chunks, the old versions are pruned.
    for start in range(0, len(deals), CHUNK):
        with transaction.atomic():
            copy_rows(Deal, iter(deals[start : start + CHUNK]))
    copy_rows(Deal.products.through, iter(deal_products), with_id=False)
    first_line = reserve_ids(Line, len(lines))
    for i, line in enumerate(lines):
        line["id"] = first_line + i
    copy_rows(Line, iter(lines))
    return n


def _timed(what: str, figures: dict[str, float], fn: Any) -> Any:
    started = time.monotonic()
    result = fn()
    figures[what] = round(time.monotonic() - started, 2)
    log(f"commissions: {what}: {figures[what]:.2f} s")
    return result


def recalc_run(scale: str) -> dict[str, Any]:
    """Time the recalculation scenarios (see the module); returns and writes the figures."""
    tenant = Tenant.objects.get(slug=BENCH_SLUG)
    figures: dict[str, Any] = {}
    with scope(tenant=tenant):
        ops = (
            Membership.objects.filter(tenant=tenant, role=Role.PARTNER_OPS, is_active=True)
            .select_related("tenant", "user")
            .first()
        ) or Membership.objects.filter(tenant=tenant, role=Role.PROGRAM_LEADER).select_related(
            "tenant", "user"
        ).first()
        assert ops is not None
        today = timezone.localdate()
        period = month_of(today)
        figures["won_deals"] = Deal.objects.filter(
            tenant=tenant, status="won", closed_on__range=(period.start, period.end)
        ).count()
        found = _timed(
            "preview, nothing differs", figures, lambda: recalc.recalculate(tenant, period)
        )
        figures["differences_before"] = len(found.differences)
        plan = Plan.objects.get(tenant=tenant)
        with transaction.atomic():
            draft = plans.version_new(actor=ops, plan=plan)
            # every deal changes: 10% more on every deal type, and the first type's rate 12%
            TypeRate.objects.filter(version=draft, rate=Decimal(10)).update(rate=Decimal(12))
            PlanVersion.objects.filter(pk=draft.pk).update(
                multiplier_new=Decimal("1.1"),
                multiplier_upsell=Decimal("1.1"),
                multiplier_renewal=Decimal("1.1"),
            )
        _timed(
            "publish version 2 (plan.changed to each affected partner)",
            figures,
            lambda: plans.version_publish(actor=ops, version=draft, effective_from=period.start),
        )
        found = _timed(
            "preview after the plan change", figures, lambda: recalc.recalculate(tenant, period)
        )
        figures["differences"] = len(found.differences)
        posted = _timed(
            "post the corrections",
            figures,
            lambda: recalc.recalc_post(actor=ops, period=period, run=uuid.uuid4()),
        )
        figures["corrected"] = posted
        found = _timed("preview after posting", figures, lambda: recalc.recalculate(tenant, period))
        figures["differences_after"] = len(found.differences)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"commissions-{scale}.json").write_text(json.dumps(figures, indent=2))
    return figures
