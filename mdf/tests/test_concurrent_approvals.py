"""Two hundred approvals at once against one allocation, on real database connections: exactly
those that fit succeed, the others are refused with the ledger's sentence, and the allocation is
never over-committed (its row lock serialises the commitments; its check constraint stands
behind it).

A pool of worker threads, each with its own connection, takes the approvals from one queue;
every request asks for the same amount, so how many fit does not depend on the order in which
the database lets them through.
"""

import queue
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scope

from mdf import ledger
from mdf.models import Allocation, MdfRequest, Movement
from mdf.services import review
from mdf.tests.factories import allocation_row, fund_row, request_row
from partners.tests.factories import PartnerFactory
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]

REQUESTS = 200
WORKERS = 20
ALLOCATED = Decimal("10000.00")
EACH = Decimal("75.00")
FIT = int(ALLOCATED // EACH)  # 133 of the 200


def test_two_hundred_approvals_at_once_never_over_commit_the_allocation(ours):
    leader = ours.members[Role.PROGRAM_LEADER]
    with scope(tenant=ours.tenant):
        partner = PartnerFactory(tenant=ours.tenant, name="Race partner")
        rep = partner_membership(partner, Role.PARTNER_REP)
        fund = fund_row(ours.tenant, "Race fund", second_approval_above=None)
        allocation = allocation_row(fund, partner, ALLOCATED)
        ids = [
            request_row(allocation, rep, amount=EACH, title=f"Campaign {n}").pk
            for n in range(REQUESTS)
        ]
    work: queue.Queue[int] = queue.Queue()
    for pk in ids:
        work.put(pk)
    start = threading.Barrier(WORKERS)
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def worker() -> None:
        try:
            with scope(tenant=ours.tenant):
                start.wait(timeout=30)
                while True:
                    try:
                        pk = work.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        mdf_request = MdfRequest.objects.get(pk=pk)
                        review.request_approve(actor=leader, mdf_request=mdf_request)
                        outcome = "ok"
                    except ledger.LedgerError as exc:
                        outcome = f"refused: {' '.join(exc.messages)}"
                    except Exception as exc:  # anything else fails the test below
                        outcome = f"{type(exc).__name__}: {exc}"
                    with lock:
                        outcomes[pk] = outcome
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert len(outcomes) == REQUESTS
    approved = [pk for pk, outcome in outcomes.items() if outcome == "ok"]
    refused = {pk: outcome for pk, outcome in outcomes.items() if outcome != "ok"}
    assert len(approved) == FIT
    assert all(
        outcome.startswith("refused: Not enough left in the allocation of Race partner")
        for outcome in refused.values()
    ), set(refused.values())
    with scope(tenant=ours.tenant):
        allocation = Allocation.objects.get(pk=allocation.pk)
        assert allocation.committed == EACH * FIT <= allocation.allocated
        assert allocation.available == ALLOCATED - EACH * FIT
        assert ledger.movements_add_up(allocation)
        statuses = dict(MdfRequest.objects.filter(pk__in=ids).values_list("pk", "status"))
        assert {statuses[pk] for pk in approved} == {MdfRequest.Status.APPROVED}
        assert {statuses[pk] for pk in refused} == {MdfRequest.Status.SUBMITTED}
        # a refused approval wrote nothing: no movement, no audit line
        assert not Movement.objects.filter(request_id__in=refused).exists()
        assert (
            AuditEvent.objects.filter(
                action="mdf.request.approved", object_id__in=[str(pk) for pk in ids]
            ).count()
            == FIT
        )
