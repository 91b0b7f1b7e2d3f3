"""Statement properties (hypothesis): for random ledgers of two partners in several currencies
over two periods, every statement's totals equal the sum of its lines per currency, the closing
balance is the opening plus the lines, a negative closing is carried into the next statement,
the ledger adds up to the statements' totals, and amounts in different currencies are never
summed.

Each example runs in a savepoint that is rolled back, on the shared world.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django_scopes import scope
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from commissions import ledger
from commissions.models import Line, Statement, StatementTotal
from commissions.services.statements import period_close
from prm.exchange.services import tenant_today
from prm.metrics.periods import month_of
from prm.money import quantize
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

CURRENCIES = ["EUR", "USD", "JPY"]
#: (partner 0 or 1, currency, amount in thousandths, period 0 = earlier, 1 = later, 2 = after)
entries = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.sampled_from(CURRENCIES),
        st.integers(-90_000, 120_000).filter(lambda n: n != 0).map(lambda n: Decimal(n) / 1000),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=16,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger_entries=entries)
# A clawback bigger than the earnings, then earnings in another currency only: the negative
# balance is carried in its own currency and never netted against the other.
@example(
    ledger_entries=[
        (0, "EUR", Decimal("-50.005"), 0),
        (0, "USD", Decimal("80"), 1),
        (1, "JPY", Decimal("12.4"), 1),
        (1, "JPY", Decimal("-0.4"), 2),
    ]
)
def test_statements_add_up_per_currency_and_never_mix_currencies(ours, ledger_entries):
    world = ours
    ops = world.members[Role.PARTNER_OPS]
    partners = [world.partner, world.other_partner]
    with scope(tenant=world.tenant), transaction.atomic():
        later = month_of(month_of(tenant_today(world.tenant)).start - timedelta(days=40))
        earlier = month_of(later.start - timedelta(days=1))
        days = [earlier.end, later.end, later.end + timedelta(days=1)]
        posted: list[Line] = []
        for who, currency, amount, when in ledger_entries:
            line = ledger.post(
                partner=partners[who],
                source=Line.Source.ADJUSTMENT,
                amount=amount,
                currency=currency,
                earned_on=days[when],
                actor=None,
                reason="property",
                state=Line.State.APPROVED,
            )
            if line is not None:
                assert line.amount == quantize(amount, currency)  # quantized once, on posting
                posted.append(line)
        period_close(actor=ops, period=earlier, partner_ids=[p.pk for p in partners])
        period_close(actor=ops, period=later, partner_ids=[p.pk for p in partners])

        ids = [line.pk for line in posted]
        for line in Line.objects.filter(pk__in=ids):
            if line.earned_on > later.end:  # earned after the period: waits
                assert (line.state, line.statement_id) == (Line.State.APPROVED, None)
            else:
                assert line.state == Line.State.STATEMENT
        statements = Statement.objects.filter(
            partner__in=partners, period_start__in=[earlier.start, later.start]
        )
        closing_before: dict[tuple[int, str], Decimal] = {}
        for statement in statements.order_by("period_start"):
            lines = Line.objects.filter(statement=statement)
            by_currency = ledger.lines_add_up(lines)
            totals = {t.currency: t for t in StatementTotal.objects.filter(statement=statement)}
            for currency, total in totals.items():
                assert total.lines_total == by_currency.get(currency, Decimal("0.00"))
                assert total.closing == total.opening + total.lines_total
                carried = closing_before.get((statement.partner_id, currency), Decimal(0))
                assert total.opening == min(carried, Decimal(0))
            assert set(by_currency) <= set(totals)
            for currency, total in totals.items():
                closing_before[(statement.partner_id, currency)] = total.closing
        # the ledger adds up to the statements' totals, per partner and currency
        on_statements: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for line in Line.objects.filter(pk__in=ids, statement__isnull=False):
            on_statements[(line.partner_id, line.currency)] += line.amount
        from_totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for total in StatementTotal.objects.filter(statement__in=statements):
            from_totals[(total.statement.partner_id, total.currency)] += total.lines_total
        assert {k: v for k, v in on_statements.items() if v} == {
            k: v for k, v in from_totals.items() if v
        }
        transaction.set_rollback(True)
