"""Allocations made at the same moment on real connections never add up to more than the fund's
budget: the fund's row lock makes them wait in turn, and the later ones are refused."""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django_scopes import scope

from mdf.models import Allocation, Fund
from mdf.services.allocations import allocation_set
from mdf.tests.factories import fund_row
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role


def _race(world: Any, calls: list[Callable[[], Any]]) -> list[str]:
    """Run every call at once, each in its own thread and database connection."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                call()
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_allocations_at_once_never_exceed_the_budget(ours):
    ops = ours.members[Role.PARTNER_OPS]
    with scope(tenant=ours.tenant):
        fund = fund_row(ours.tenant, "Race fund", budget=Decimal("10000"))
        partners = [PartnerFactory(tenant=ours.tenant) for _ in range(5)]

    def give(partner: Any) -> Callable[[], Any]:
        def call() -> Any:
            mine = Fund.objects.get(pk=fund.pk)
            return allocation_set(
                actor=ops, fund=mine, partner=partner, amount=Decimal("3000"), reason="race"
            )

        return call

    outcomes = _race(ours, [give(p) for p in partners])
    assert outcomes.count("ok") == 3
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == 2
    assert all("has €1,000.00 left to allocate" in o for o in refused), refused
    with scope(tenant=ours.tenant):
        fund.refresh_from_db()
        total = Allocation.objects.filter(fund=fund).aggregate(s=Sum("allocated"))["s"]
        assert Allocation.objects.filter(fund=fund).count() == 3  # the refused left no row
    assert fund.allocated == total == Decimal("9000.00")
