"""The same paid file loaded twice at once, on real concurrent connections: its rows are paid
once; the load that waited finds them paid and pays nothing."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django_scopes import scope

from mdf.models import Claim
from prm.csvio.importing import RowErrors

from .test_payments import TODAY, Payer, load, paid_file

ROUNDS = 3


def _race(world, calls: list[Callable[[], int]]) -> list[str]:
    """Run every call at once, each in its own thread and database connection."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], int]) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                outcomes.append(f"paid {call()}")
        except RowErrors as exc:
            outcomes.append(" / ".join(e.message for e in exc.errors))
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_a_paid_file_loaded_twice_at_once_pays_each_row_once(ours):
    due, other = ours.due_claim, ours.claim
    with scope(tenant=ours.tenant):
        Claim.objects.filter(pk=other.pk).update(batch=ours.payment_batch)
    text = paid_file(
        (f"N-{due.number}", "TRF-1", TODAY.isoformat()),
        (f"N-{other.number}", "TRF-2", TODAY.isoformat()),
    )
    for _round in range(ROUNDS):
        with scope(tenant=ours.tenant):
            Claim.objects.filter(pk__in=[due.pk, other.pk]).update(
                status=Claim.Status.APPROVED, paid_on=None, payment_reference=""
            )
        pay = Payer()

        def load_it(pay: Payer = pay) -> int:
            return load(ours.payment_batch, text, pay)

        outcomes = _race(ours, [load_it, load_it])
        assert outcomes == [
            f"N-{due.number} paid already / N-{other.number} paid already",
            "paid 2",
        ]
        assert sorted(n for n, _day, _ref in pay.paid) == sorted([due.number, other.number])
