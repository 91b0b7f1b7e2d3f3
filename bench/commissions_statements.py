"""Commission statements benchmark (issue 16, part B): the data of the bench tenant, the
scenarios of `bench.run.Bench`, and closing a period for every partner (measured apart).

Data (`load_commissions`, run at the end of `generate`, or on its own on a database holding the
deals bench: `python -m bench generate-commissions`, after the money view's ledger):

- a statement of a year ago with 20,000 lines at M (2,000 at S) for the bench admin's partner,
  and one of 200 lines for another partner, their totals per currency worked out from the lines
  as `period_close` does (lines in two currencies);
- approved lines, four per partner (5k partners at M: 20k lines) earned in the period three
  months ago and on no statement yet: what closing that period takes.

Scenarios: the admin statement page at 20k lines against the same page at 200 lines (target:
≤ 1.3×, keyset screens of 100 lines), the statement list, and the portal's statement page.
`close_period` closes the period for every partner once, inside a transaction that is rolled
back (the run stays repeatable), and reports the seconds.
"""

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from commissions import ledger
from commissions.models import Line, Statement, StatementTotal
from commissions.numbers import next_number
from commissions.services.statements import period_close
from partners.models import Partner
from prm.exchange.services import tenant_today
from prm.metrics.periods import Period, month_of
from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from .generate import BENCH_ADMIN, BENCH_SLUG, log

#: lines on the big statement, by scale (the target is stated for 20k, at M)
BIG_LINES = {"S": 2_000, "M": 20_000, "L": 20_000}
SMALL_LINES = 200
#: approved lines per partner waiting for the period to close
CLOSE_LINES = 4
L = Line.State


def months_back(tenant: Tenant, n: int) -> Period:
    period = month_of(tenant_today(tenant))
    for _n in range(n):
        period = month_of(period.start - timedelta(days=1))
    return period


def _lines(tenant: Tenant, partner_id: int, n: int, period: Period, **fields: Any) -> list[Line]:
    other = "USD" if tenant.default_currency != "USD" else "EUR"
    now = timezone.now()
    days = (period.end - period.start).days + 1
    return [
        Line(
            tenant=tenant,
            partner_id=partner_id,
            source=Line.Source.ADJUSTMENT,
            amount=Decimal(10 + (i % 90)) + Decimal(i % 100) / 100,
            currency=other if i % 5 == 0 else tenant.default_currency,
            earned_on=period.start + timedelta(days=i % days),
            reason=f"Bench line {i}",
            created_at=now,
            approved_at=now,
            **fields,
        )
        for i in range(n)
    ]


def _statement(tenant: Tenant, partner_id: int, n: int, period: Period) -> Statement:
    statement = Statement.objects.create(
        tenant=tenant,
        partner_id=partner_id,
        number=next_number(tenant, "last_statement_number"),
        period_start=period.start,
        period_end=period.end,
        status=Statement.Status.APPROVED,
        approved_at=timezone.now(),
    )
    lines = Line.objects.bulk_create(
        _lines(tenant, partner_id, n, period, state=L.STATEMENT, statement=statement),
        batch_size=5000,
    )
    StatementTotal.objects.bulk_create(
        StatementTotal(tenant=tenant, statement=statement, currency=c, lines_total=t, closing=t)
        for c, t in ledger.lines_add_up(lines).items()
    )
    return statement


def load_commissions(tenant: Tenant, scale: str) -> dict[str, int]:
    """The statements and the lines waiting for the close (see the module's docstring)."""
    with scope(tenant=tenant):
        admin = Membership.objects.get(tenant=tenant, user__email=BENCH_ADMIN)
        assert admin.partner_id is not None
        other = (
            Partner.objects.filter(tenant=tenant)
            .exclude(pk=admin.partner_id)
            .order_by("id")
            .first()
        )
        assert other is not None
        year_ago = months_back(tenant, 12)
        _statement(tenant, admin.partner_id, BIG_LINES[scale], year_ago)
        _statement(tenant, other.pk, SMALL_LINES, year_ago)
        period = months_back(tenant, 3)
        partner_ids = list(Partner.objects.filter(tenant=tenant).values_list("pk", flat=True))
        waiting: list[Line] = []
        for pid in partner_ids:
            waiting += _lines(tenant, pid, CLOSE_LINES, period, state=L.APPROVED)
        Line.objects.bulk_create(waiting, batch_size=5000)
    return {
        "statement_lines": BIG_LINES[scale] + SMALL_LINES,
        "partners_to_close": len(partner_ids),
        "lines_to_close": len(waiting),
    }


def generate_commissions(scale: str) -> None:
    """`python -m bench generate-commissions`: add the data to a database holding the bench."""
    # the bench's own tenant, looked up before any request scope exists
    with scopes_disabled():
        tenant = Tenant.objects.get(slug=BENCH_SLUG)
    t0 = time.monotonic()
    with transaction.atomic():
        got = load_commissions(tenant, scale)
    log(f"commissions: {got} in {time.monotonic() - t0:.1f} s")


def _statements(tenant: Tenant) -> tuple[Statement, Statement]:
    year_ago = months_back(tenant, 12)
    found = list(
        Statement.objects.filter(tenant=tenant, period_start=year_ago.start).order_by("id")[:2]
    )
    return found[0], found[1]


def scenarios(bench: Any) -> list[Any]:
    """The statement scenarios of `bench.run.Bench`."""
    from .run import Scenario, Target, _check, _url

    tenant = bench.tenant
    with scope(tenant=tenant):
        big, small = _statements(tenant)
        leader = bench.leader

    def page(statement: Statement) -> Any:
        def prepare() -> Any:
            client = bench.client(leader)
            url = reverse("admin:commissions_statement_change", args=[statement.pk])
            return lambda i: _check(client.get(url), 200)

        return prepare

    def portal() -> Any:
        client = bench.client(bench.admin)
        url = reverse("commissions:statement", args=[big.pk])
        return lambda i: _check(client.get(url), 200)

    def listing() -> Any:
        client = bench.client(leader)
        url = _url("admin:commissions_statement_changelist")
        return lambda i: _check(client.get(url), 200)

    small_name = f"statements_page {SMALL_LINES} lines (url)"
    return [
        Scenario(small_name, "http", "ref: 50-row table", page(small)),
        Scenario(
            f"statements_page {BIG_LINES[bench.scale] // 1000}k lines (url)",
            "http",
            "ref: 50-row table",
            page(big),
            Target(ratio=1.3, vs=small_name),
        ),
        Scenario("statements_list (url)", "http", "ref: 50-row table", listing),
        Scenario(
            f"statements_portal {BIG_LINES[bench.scale] // 1000}k lines (url)",
            "http",
            "ref: 50-row table",
            portal,
        ),
    ]


def close_period(bench: Any) -> Any:
    """close_period: closing the period three months ago for every partner of the bench tenant
    (each with its approved lines), once, as a program leader; rolled back afterwards."""
    from .run import Result

    result = Result("close_period all partners (function)", "function", None)
    tenant = bench.tenant
    with scope(tenant=tenant):
        period = months_back(tenant, 3)
        actor = bench.leader
        if actor.role != Role.PROGRAM_LEADER:
            result.verdict, result.note = "ERROR", "no program leader"
            return result
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                done = period_close(actor=actor, period=period)
                seconds = time.perf_counter() - t0
                transaction.set_rollback(True)
        except Exception as e:  # a broken scenario must not hide the others' numbers
            result.verdict, result.note = "ERROR", f"{type(e).__name__}: {e}"[:200]
            return result
    result.iterations = 1
    result.p50_ms = result.p95_ms = result.mean_ms = round(seconds * 1000, 1)
    result.note = (
        f"{done.drafted} statements drafted, {done.lines} lines, {done.approved} approved "
        f"first, in {seconds:.1f} s"
    )
    return result
