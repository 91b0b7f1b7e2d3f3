"""Reporting benchmark data and scenarios (issue 17): the metrics engine, the dashboards, the
scorecard and the alert sweep.

## Data (`python -m bench generate-reporting --scale M`, on a database holding the deals bench)

What the reporting pages read and the other benches do not load: sign-in days of the bench
tenant's partner users over the last twelve months (each user active in a month with their own
likelihood, on one to eight weekdays of it; COPY-loaded like `bench.bulk`), partner users'
memberships dated from the day their company joined (so past months have members to count), and
three tiers with every partner in one (60 % Registered, 30 % Silver, 10 % Gold), so the bench
partner's tier has a benchmark.

## Scenarios (`python -m bench run --scale M --only reporting`)

- `reporting engine Q+prev`: `evaluate` of the program's KPI tiles for this fiscal quarter and
  the previous one (the comparison): the engine's cost alone, one query per row source.
- `reporting engine 12 months`: the same tiles in twelve monthly buckets (the trend charts).
- the pages, by URL name, once parts A, B and C are merged: the program dashboard (the leader),
  the CAM dashboard (the bench CAM), the partner scorecard (the bench partner admin), each against
  the 50-row reference page; and the alert sweep over 20 rules (`sweep_tenant`, rolled back each
  time). A scenario whose URL or function does not exist yet is skipped with a message.

`python -m bench reporting-rows --scale M` times each row source of the program quarter's
evaluation on its own and prints EXPLAIN ANALYZE of the slow ones; `python -m bench
reporting-sweeps --scale M` times a first alert sweep and the steady sweeps after it (rolled back).
"""

import random
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from partners.models import Partner, Tier
from prm.accounts.models import SignInDay
from prm.metrics import registry
from prm.metrics.engine import PROGRAM, evaluate
from prm.metrics.periods import (
    QUARTER,
    Period,
    last_12_months,
    months_in,
    period_for,
    previous,
)
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import PARTNER_ROLES

from .bulk import copy_rows
from .generate import BENCH_SLUG, log

#: the program dashboard's KPI tiles: every KPI of the issue that has a program figure
TILES = (
    "deals.pipeline_registered",
    "deals.registered",
    "deals.approved",
    "deals.won",
    "deals.revenue_won",
    "deals.win_rate",
    "deals.average_deal_size",
    "deals.days_to_close",
    "deals.decision_hours",
    "deals.sla_attainment",
    "deals.time_to_first_deal",
    "deals.active_partners",
    "partners.monthly_active_rate",
    "training.completion_rate",
    "training.certified_users",
    "mdf.utilisation",
    "mdf.roi",
    "commissions.earned",
    "commissions.paid",
)
TIERS = (("Registered", 1, 6), ("Silver", 2, 3), ("Gold", 3, 1))  # name, rank, tenths
SWEEP_RULES = 20


class Skipped(Exception):
    """A scenario that cannot run in this build (its URL or function does not exist yet)."""


def _tiles() -> list[registry.Metric]:
    names = {m.name for m in registry.all_metrics()}
    return [registry.get(n) for n in TILES if n in names]


# --- data ---------------------------------------------------------------------------------------


def load_reporting(tenant: Tenant, seed: int) -> dict[str, int]:
    """Tiers, dated memberships and a year of sign-in days for the bench tenant."""
    rng = random.Random(f"{seed}:{tenant.slug}:reporting")
    today = timezone.localdate()
    tiers = {}
    for name, rank, _tenths in TIERS:
        tier, _ = Tier.objects.get_or_create(tenant=tenant, rank=rank, defaults={"name": name})
        tiers[rank] = tier.pk
    with connection.cursor() as cursor:
        # every partner in a tier: 60 % in the first, 30 % in the second, 10 % in the third
        cursor.execute(
            """UPDATE partners_partner SET tier_id = CASE
                   WHEN id %% 10 < 6 THEN %s WHEN id %% 10 < 9 THEN %s ELSE %s END
               WHERE tenant_id = %s AND tier_id IS NULL""",
            [tiers[1], tiers[2], tiers[3], tenant.pk],
        )
        tiered = cursor.rowcount
        # partner users have been members since their company joined (at most 400 days)
        cursor.execute(
            """UPDATE tenancy_membership m
               SET created_at = GREATEST(p.joined_on, %s::date)::timestamptz
               FROM partners_partner p
               WHERE m.partner_id = p.id AND m.tenant_id = %s AND p.joined_on IS NOT NULL""",
            [today - timedelta(days=400), tenant.pk],
        )
    first = last_12_months(today).start
    members = list(
        Membership.objects.filter(
            tenant=tenant, role__in=sorted(PARTNER_ROLES), is_active=True
        ).values_list("pk", "created_at")
    )

    def rows() -> Any:
        for pk, created_at in members:  # read before the COPY: one connection
            keen = rng.uniform(0.2, 0.9)
            joined = created_at.date()
            for month in months_in(Period(first, today)):
                if month.end < joined or rng.random() > keen:
                    continue
                start = max(month.start, joined)
                span = (month.end - start).days + 1
                days = {
                    start + timedelta(days=rng.randrange(span)) for _ in range(rng.randrange(1, 9))
                }
                for day in sorted(days):
                    if day.weekday() < 5:
                        yield {"tenant_id": tenant.pk, "membership_id": pk, "day": day}

    n = copy_rows(SignInDay, rows(), with_id=False)
    return {"partners_tiered": tiered, "sign_in_days": n}


#: the bench's 16 rules beside the 4 seeded ones: (metric, scope, comparison, threshold, window)
_RULES = [
    ("deals.win_rate", "partner", "below", "20", "quarter"),
    ("deals.revenue_won", "partner", "drop", "30", "quarter"),
    ("deals.registered", "partner", "below", "1", "month"),
    ("deals.pipeline_registered", "cam", "drop", "25", "quarter"),
    ("deals.average_deal_size", "program", "drop", "10", "quarter"),
    ("deals.days_to_close", "program", "above", "60", "quarter"),
    ("deals.sla_attainment", "program", "below", "90", "month"),
    ("deals.sla_attainment", "cam", "below", "85", "quarter"),
    ("deals.time_to_first_deal", "program", "above", "90", "year"),
    ("partners.monthly_active_rate", "partner", "below", "25", "month"),
    ("partners.monthly_active_rate", "program", "below", "40", "month"),
    ("training.completion_rate", "partner", "below", "30", "quarter"),
    ("training.courses_passed", "cam", "below", "5", "quarter"),
    ("mdf.roi", "partner", "below", "2", "year"),
    ("commissions.earned", "partner", "drop", "50", "quarter"),
    ("commissions.paid", "program", "rise", "50", "quarter"),
]


def load_alert_rules(tenant: Tenant) -> int:
    """The 4 seeded alert rules and 16 more over other metrics, scopes and windows: the sweep
    scenario's 20 rules (added once)."""
    from reporting.alerts.seed import alert_rules_seed
    from reporting.models import AlertRule

    added = alert_rules_seed(tenant=tenant)
    for index, (metric, reach, comparison, threshold, window) in enumerate(_RULES):
        _rule, made = AlertRule.objects.get_or_create(
            tenant=tenant,
            name=f"Bench rule {index + 1}: {metric}",
            defaults={
                "metric": metric,
                "scope": reach,
                "comparison": comparison,
                "threshold": Decimal(threshold),
                "window": window,
                "owner": AlertRule.Owner.LEADERS if reach == "program" else AlertRule.Owner.CAMS,
                "channel": AlertRule.Channel.IN_APP,
            },
        )
        added += made
    return added


def generate_reporting(scale: str, seed: int = 20240601) -> None:
    """Add the reporting data to a database that holds the deals bench."""
    # the bench's own tenant, looked up before any request scope exists
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
        t0 = time.monotonic()
        with transaction.atomic():
            rules = load_alert_rules(tenant)
            if SignInDay.objects.filter(tenant=tenant).exists():
                log(f"reporting ({scale}): sign-in days there already; {rules} alert rules added")
                return
            got = load_reporting(tenant, seed)
            got["alert_rules"] = rules
        log(f"reporting ({scale}): {got} in {time.monotonic() - t0:.1f} s")
        with connection.cursor() as cursor:
            for table in ("accounts_signinday", "tenancy_membership", "partners_partner"):
                cursor.execute(f"VACUUM ANALYZE {table}")


# --- scenarios ----------------------------------------------------------------------------------


def _quarter(tenant: Tenant) -> tuple[Period, Period]:
    today = timezone.localdate()
    quarter = period_for(QUARTER, today, fiscal_start=tenant.fiscal_year_start)
    return quarter, previous(quarter, QUARTER, fiscal_start=tenant.fiscal_year_start)


def reporting_scenarios(bench: Any) -> list[Any]:
    """The engine alone (a quarter and its comparison; twelve months), the three pages against
    the 50-row reference, and the alert sweep over 20 rules."""
    from .run import Scenario, Target, _check

    tenant = bench.tenant
    tiles = _tiles()

    def engine(periods: Callable[[], list[Period]]) -> Callable[[], Callable[[int], Any]]:
        def prepare() -> Callable[[int], Any]:
            wanted = periods()

            def once(i: int) -> Any:
                with scope(tenant=tenant):
                    return evaluate(tenant, tiles, wanted, by=PROGRAM)

            return once

        return prepare

    def page(member: Any, url_name: str) -> Callable[[], Callable[[int], Any]]:
        def prepare() -> Callable[[int], Any]:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                raise Skipped(f"no URL named {url_name} in this build") from None
            client = bench.client(member)
            return lambda i: _check(client.get(url), 200)

        return prepare

    def sweep() -> Callable[[int], Any]:
        try:
            from reporting.alerts.sweep import sweep_tenant
            from reporting.models import AlertRule
        except ImportError:
            raise Skipped("reporting.alerts.sweep.sweep_tenant is not in this build") from None
        with scope(tenant=tenant):
            rules = AlertRule.objects.filter(tenant=tenant).count()
        if rules < SWEEP_RULES:
            raise Skipped(f"the bench tenant has {rules} alert rules, the scenario needs 20")

        def once(i: int) -> Any:
            # each sweep from the same state: the alerts it fires are rolled back
            with scope(tenant=tenant), transaction.atomic():
                result = sweep_tenant(tenant)
                transaction.set_rollback(True)
            return result

        return once

    ref = "ref: 50-row table"
    return [
        Scenario("reporting engine Q+prev (fn)", "function", ref,
                 engine(lambda: list(_quarter(tenant)))),
        Scenario("reporting engine 12 months (fn)", "function", ref,
                 engine(lambda: months_in(last_12_months(timezone.localdate())))),
        Scenario("reporting program leader (url)", "http", ref,
                 page(bench.leader, "admin:reporting_program"), Target(p95_ms=60)),
        Scenario("reporting CAM (url)", "http", ref,
                 page(bench.cam, "admin:reporting_cam"), Target(p95_ms=50)),
        Scenario("reporting scorecard admin (url)", "http", ref,
                 page(bench.admin, "reporting:scorecard"), Target(p95_ms=40)),
        Scenario("reporting sweep 20 rules (fn)", "function", ref, sweep,
                 Target(p95_ms=300), iterations=10),
    ]  # fmt: skip


# --- the engine's row sources, one by one -------------------------------------------------------


def rows_report(scale: str, slow_ms: float = 20.0, repeat: int = 3) -> None:
    """Each row source of the program quarter's evaluation (with its comparison) on its own:
    its query's time (best of `repeat`) and, when slower than `slow_ms`, its EXPLAIN ANALYZE."""
    # the bench's own tenant, looked up before any request scope exists
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
    tiles = _tiles()
    periods = list(_quarter(tenant))
    by_rows: dict[Any, list[registry.Metric]] = {}
    for metric in tiles:
        by_rows.setdefault(metric.rows, []).append(metric)
    print(f"\nreporting rows, scale {scale}: {', '.join(f'{p.start}..{p.end}' for p in periods)}\n")
    with scope(tenant=tenant):
        partners = Partner.objects.filter(tenant=tenant).count()
        print(f"partners {partners}; tiles {len(tiles)}; row sources {len(by_rows)}\n")
        for rows, metrics in by_rows.items():
            best = float("inf")
            captured: list[dict[str, Any]] = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as seen:
                    t0 = time.perf_counter()
                    evaluate(tenant, metrics, periods)
                    best = min(best, (time.perf_counter() - t0) * 1000)
                captured = list(seen.captured_queries)
            names = ", ".join(m.name for m in metrics)
            print(
                f"{best:8.1f} ms  {len(captured)} queries  {rows.name or '?'}: {names}", flush=True
            )
            if best > slow_ms:
                for query in captured:
                    if "exchange_exchangerate" in query["sql"]:
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                        plan = "\n".join(f"      {r[0]}" for r in cursor.fetchall())
                    print(plan)
        print()


def sweeps_report(scale: str, steady: int = 5) -> None:
    """The alert sweep over the bench tenant's rules twice over, in one transaction rolled back
    at the end: the first sweep (every crossing opens an alert and its owners are told), then
    `steady` sweeps of the same day (nothing new: the open alerts' values are recorded). The
    `run` scenario rolls each sweep back, so it measures only first sweeps."""
    from reporting.alerts.sweep import sweep_tenant

    # the bench's own tenant, looked up before any request scope exists
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
    print(f"\nreporting sweeps, scale {scale}\n")
    with scope(tenant=tenant), transaction.atomic():
        for index in range(steady + 1):
            with CaptureQueriesContext(connection) as seen:
                t0 = time.perf_counter()
                result = sweep_tenant(tenant)
                took = (time.perf_counter() - t0) * 1000
            kind = "first " if index == 0 else "steady"
            print(
                f"{kind} {took:9.1f} ms  {len(seen.captured_queries):4} queries  rules "
                f"{result.rules}, subjects {result.subjects}, fired {len(result.fired)}, "
                f"resolved {len(result.resolved)}, still open {result.still_open}, reminded "
                f"{len(result.reminded)}",
                flush=True,
            )
        transaction.set_rollback(True)
    print()
