"""The same paid file loaded twice at once, on real concurrent connections: its rows are paid
once; the load that waited finds them paid and pays nothing."""

import pytest
from django_scopes import scope

from mdf.models import Claim
from prm.jobs.tests.test_concurrency import _race  # the calls at once, a connection each

from .test_payments import TODAY, Payer, load, paid_file

ROUNDS = 3


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
            f"RowErrors: N-{due.number} paid already; N-{other.number} paid already",
            "ok 2",
        ]
        assert sorted(n for n, _day, _ref in pay.paid) == sorted([due.number, other.number])
