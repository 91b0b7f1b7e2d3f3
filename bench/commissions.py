"""Commissions benchmark data and scenarios for the bench tenant, a section per part.

## money_*: the partner's money view (issue 16, part D)

The ledger behind the money view: one commission line per won deal (10% of its final amount:
what an accrual writes), a tenth of them reversed (a corrected amount) and accrued again, a SPIF
line for one won deal in eight, and an adjustment for one partner in ten; last month's lines on
a paid statement per partner, the rest pending or approved. Loaded with COPY like the rest of
the bench (`bench.bulk`), the tenant showing reps their earnings.

Scenarios: the money view of the bench partner admin (the company's) and of the bench rep
(their own deals'), and the per-deal breakdown's first page; each against the 50-row reference
page, target p95 ≤ 50 ms.

`load_money` runs on a database holding the deals bench (`python -m bench generate-commissions`)
when the bench tenant has no commission line yet.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from commissions.models import CommissionSettings, Line, Statement
from deals.models import Deal
from partners.models import Partner
from prm.tenancy.models import Tenant

from .bulk import copy_rows, reserve_ids
from .generate import BENCH_SLUG, log

L = Line.State
SRC = Line.Source
TEN_PERCENT = Decimal("0.10")


def _last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def load_money(tenant: Tenant, scale: str, seed: int) -> dict[str, int]:
    """The bench tenant's commission ledger (see the module); returns what was loaded."""
    rng = random.Random(f"{seed}:{tenant.slug}:money")
    today = timezone.localdate()
    start, end = _last_month(today)
    with scope(tenant=tenant):
        settings, _created = CommissionSettings.objects.get_or_create(tenant=tenant)
        settings.reps_see_earnings = True
        settings.save(update_fields=["reps_see_earnings"])
    won = list(
        Deal.objects.filter(tenant=tenant, status=Deal.Status.WON)
        .exclude(won_amount__isnull=True)
        .exclude(closed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "partner_id", "owner_id", "won_amount", "currency", "closed_on")
    )
    partner_ids = list(
        Partner.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)
    )
    # One paid statement per partner with lines last month.
    paid_partners = sorted({row[1] for row in won if start <= row[5] <= end})
    first_statement = reserve_ids(Statement, len(paid_partners))
    statement_of = {pid: first_statement + i for i, pid in enumerate(paid_partners)}
    copy_rows(
        Statement,
        (
            {
                "id": statement_of[pid],
                "tenant_id": tenant.pk,
                "partner_id": pid,
                "number": i + 1,
                "period_start": start,
                "period_end": end,
                "status": Statement.Status.PAID,
                "paid_on": today.replace(day=1),
                "payment_reference": f"BENCH-{i + 1}",
            }
            for i, pid in enumerate(paid_partners)
        ),
    )
    CommissionSettings.objects.filter(tenant=tenant).update(
        last_statement_number=len(paid_partners)
    )

    lines: list[dict[str, Any]] = []

    def line(**fields: Any) -> None:
        state = fields.pop("state")
        on_statement = state == L.PAID
        lines.append(
            {
                "tenant_id": tenant.pk,
                "state": state,
                "statement_id": statement_of[fields["partner_id"]] if on_statement else None,
                "approved_at": timezone.now() if state != L.PENDING else None,
                **fields,
            }
        )

    for pk, partner_id, owner_id, amount, currency, closed_on in won:
        commission = (Decimal(amount) * TEN_PERCENT).quantize(Decimal("0.01"))
        if not commission:
            continue
        if start <= closed_on <= end:
            state = L.PAID
        elif closed_on > end:
            state = L.PENDING if rng.random() < 0.6 else L.APPROVED
        else:
            state = L.APPROVED  # older deals: approved, waiting for a statement run
        base = {
            "partner_id": partner_id,
            "deal_id": pk,
            "owner_id": owner_id,
            "currency": currency,
            "earned_on": closed_on,
            "basis": "{}",  # jsonb through COPY's text format
        }
        key = f"won:{pk}:bench:1"
        if rng.random() < 0.1:
            # a corrected amount: the first line reversed beside it, then the new one
            lines_before = len(lines)
            line(**base, source=SRC.DEAL, amount=commission, state=state, key=key)
            lines[lines_before]["_reversed"] = True
            key = f"won:{pk}:bench:2"
            commission = (commission * Decimal("0.9")).quantize(Decimal("0.01")) or commission
        line(**base, source=SRC.DEAL, amount=commission, state=state, key=key)
        if pk % 8 == 0:
            line(**base, source=SRC.SPIF, amount=Decimal("250.00"), state=state, key=f"spif:{pk}")
    for pid in partner_ids[::10]:
        line(
            partner_id=pid, source=SRC.ADJUSTMENT, amount=Decimal("-40.00"),
            currency=tenant.default_currency, earned_on=today, state=L.APPROVED, basis="{}",
            key="", reason="Bench adjustment",
        )  # fmt: skip

    first = reserve_ids(Line, len(lines) + sum(1 for r in lines if r.get("_reversed")))
    rows: list[dict[str, Any]] = []
    next_id = first
    for row in lines:
        reversed_ = row.pop("_reversed", False)
        row["id"] = next_id
        next_id += 1
        rows.append(row)
        if reversed_:
            rows.append(
                {
                    **row,
                    "id": next_id,
                    "amount": -row["amount"],
                    "key": "",
                    "reverses_id": row["id"],
                    "reason": "Bench correction",
                }
            )
            next_id += 1
    n = copy_rows(Line, rows)
    return {"lines": n, "statements": len(paid_partners), "won_deals": len(won)}


def generate_commissions(scale: str, seed: int = 20240601) -> None:
    """Add the commissions data to a database that holds the deals bench."""
    # the bench's own tenant, looked up before any request scope exists
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
        if Line.objects.filter(tenant=tenant).exists():
            raise SystemExit("generate-commissions: the bench tenant has commission lines already")
        t0 = time.monotonic()
        with transaction.atomic():
            got = load_money(tenant, scale, seed)
        log(f"commissions (money): {got} in {time.monotonic() - t0:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE commissions_line")
            cursor.execute("VACUUM ANALYZE commissions_statement")


def money_scenarios(bench: Any) -> list[Any]:
    """The money view (the bench partner admin's, the bench rep's) and the per-deal breakdown,
    against the 50-row reference page; target p95 ≤ 50 ms."""
    from .run import Scenario, Target, _check

    def page(member: Any, url_name: str) -> Any:
        def prepare() -> Any:
            client = bench.client(member)
            url = reverse(url_name)
            return lambda i: _check(client.get(url), 200)

        return prepare

    target = Target(p95_ms=50, ratio=2)
    return [
        Scenario("money view admin (url)", "http", "ref: 50-row table",
                 page(bench.admin, "commissions:money"), target),
        Scenario("money view rep (url)", "http", "ref: 50-row table",
                 page(bench.rep, "commissions:money"), target),
        Scenario("money deals admin (url)", "http", "ref: 50-row table",
                 page(bench.admin, "commissions:deals"), target),
    ]  # fmt: skip
