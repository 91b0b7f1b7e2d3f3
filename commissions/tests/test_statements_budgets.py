"""The statement pages cost the same number of queries whatever the data size: the admin list
of statements (filtered too), a statement's page with its lines (30 lines, then 300: keyset
screens), its CSV, the payout batches, the close page, and the portal's statements and
statement page."""

from datetime import timedelta

import pytest
from django_scopes import scope

from commissions.admin.payouts import PayoutBatchAdmin
from commissions.admin.statements import StatementAdmin
from commissions.models import Line, PayoutBatch, Statement, StatementTotal
from commissions.numbers import next_number
from commissions.tests.factories import line_row
from partners.tests.factories import PartnerFactory
from prm.exchange.services import tenant_today
from prm.tenancy.roles import Role
from tests.budgets import (
    Clients,
    assert_budget,
    at_two_sizes,
    count_all,
    export_queries,
    page_queries,
    rolled_back,
)

SMALL, LARGE = 30, 300
pytestmark = pytest.mark.xdist_group("budgets-commission-statements")

S = Statement.Status


def grow(world, start: int, stop: int) -> None:
    """More lines on partner A's statement (in two currencies), and more partners with a
    statement each in every status, some in payout batches."""
    tenant = world.tenant
    statement = world.statement
    other = "USD" if tenant.default_currency != "USD" else "EUR"
    with scope(tenant=tenant):
        for i in range(start, stop):
            line = line_row(
                world.partner,
                str(1 + i),
                currency=other if i % 4 == 0 else None,
                earned_on=statement.period_end - timedelta(days=i % 20),
            )
            Line.objects.filter(pk=line.pk).update(state=Line.State.STATEMENT, statement=statement)
            if i % 10:
                continue
            partner = PartnerFactory(tenant=tenant, name=f"Grown partner {i}")
            status = [S.DRAFT, S.APPROVED, S.PAID][i // 10 % 3]
            batch = None
            if status != S.DRAFT:
                batch = PayoutBatch.objects.create(
                    tenant=tenant,
                    number=next_number(tenant, "last_batch_number"),
                    currency=tenant.default_currency,
                )
            grown = Statement.objects.create(
                tenant=tenant,
                partner=partner,
                number=next_number(tenant, "last_statement_number"),
                period_start=statement.period_start,
                period_end=statement.period_end,
                status=status,
                batch=batch,
                paid_on=tenant_today(tenant) if status == S.PAID else None,
                payment_reference="P" if status == S.PAID else "",
            )
            for currency in (tenant.default_currency, other):
                StatementTotal.objects.create(
                    tenant=tenant,
                    statement=grown,
                    currency=currency,
                    lines_total=10,
                    closing=10,
                )
        # the statement's totals follow its lines (as the close writes them)
        StatementTotal.objects.filter(statement=statement).delete()
        for currency in (tenant.default_currency, other):
            total = sum(
                Line.objects.filter(statement=statement, currency=currency).values_list(
                    "amount", flat=True
                )
            )
            StatementTotal.objects.create(
                tenant=tenant,
                statement=statement,
                currency=currency,
                lines_total=total,
                closing=total,
            )


PAGES = [
    ("/admin/commissions/statement/", Role.PARTNER_OPS, 14),
    ("/admin/commissions/statement/", Role.CAM, 14),
    ("/admin/commissions/statement/?status=approved&period={period}&p=1", Role.PARTNER_OPS, 14),
    ("/admin/commissions/statement/{statement}/change/", Role.PARTNER_OPS, 16),
    ("/admin/commissions/statement/{statement}/change/?after={cursor}", Role.PARTNER_OPS, 16),
    ("/admin/commissions/payoutbatch/", Role.PARTNER_OPS, 14),
    ("/admin/commissions/statements/close/", Role.PARTNER_OPS, 14),
    ("/earnings/statements/", Role.PARTNER_ADMIN, 10),
    ("/earnings/statements/{statement}/", Role.PARTNER_ADMIN, 10),
]
EXPORTS = [("/admin/commissions/statements/statement/{statement}/csv/", Role.PARTNER_OPS, 10)]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock), pytest.MonkeyPatch.context() as patch:
        for model_admin in (StatementAdmin, PayoutBatchAdmin):
            patch.setattr(model_admin, "list_per_page", 3)
        clients = Clients(world)
        ids = {
            "statement": world.statement.pk,
            "period": world.statement.period_start.isoformat(),
            "cursor": f"{world.statement.period_end.isoformat()}.999999999",
        }

        def measure() -> dict:
            pages = count_all(
                [(url, role) for url, role, _budget in PAGES],
                lambda p: page_queries(clients[p[1]], p[0].format(**ids)),
            )
            exports = count_all(
                [(url, role) for url, role, _budget in EXPORTS],
                lambda p: export_queries(clients[p[1]], p[0].format(**ids)),
            )
            return {**pages, **exports}

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "budget"), PAGES + EXPORTS, ids=[f"{p[0]}-{p[1]}" for p in PAGES + EXPORTS]
)
def test_statement_page_costs_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)
