"""Two people setting the same currency and first day at the same moment, on real connections:
one row, and the other gets the form error (never a server error)."""

import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django_scopes import scope

from prm.exchange.models import ExchangeRate
from prm.exchange.services import rate_set
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, TenantFactory


@pytest.mark.django_db(transaction=True)
def test_two_inserts_of_the_same_currency_and_day_end_as_one_row_and_a_form_error():
    tenant = TenantFactory()
    with scope(tenant=tenant):
        actors = [MembershipFactory(tenant=tenant, role=Role.PARTNER_OPS) for _ in "ab"]
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]
    violations: list[str] = []

    def run(i: int) -> None:
        held = False

        def hold_before_insert(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal held
            # Both have looked for the row and found none: now both insert.
            if not held and sql.startswith('INSERT INTO "exchange_exchangerate"'):
                held = True
                barrier.wait(timeout=15)
            try:
                return execute(sql, params, many, context)
            except IntegrityError as exc:
                violations.append(str(exc))
                raise

        try:
            with scope(tenant=tenant), connection.execute_wrapper(hold_before_insert):
                outcomes[i] = rate_set(
                    actor=actors[i],
                    currency="GBP",
                    rate=Decimal("1.1") + i,
                    valid_from=date(2026, 1, 1),
                )
        except BaseException as exc:
            outcomes[i] = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], ValidationError), outcomes
    assert "someone set it just now" in refused[0].message_dict["valid_from"][0]
    assert len(violations) == 1, "the database's constraint decided"
    with scope(tenant=tenant):
        assert ExchangeRate.objects.filter(tenant=tenant, currency="GBP").count() == 1
