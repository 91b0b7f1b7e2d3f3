"""Ledger properties: whatever sequence of allocate, approve (commit), release, claim (settle),
reimburse and reverse runs on an allocation, no balance goes below zero, it is never
over-committed, the movements add up to the balances, and a refused move changes nothing.

Hypothesis draws the sequences; each example runs in a savepoint that is rolled back, on one
allocation made for it. An independent model of the four balances says which moves must pass:
the ledger must accept exactly those and refuse the others.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django_scopes import scope
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mdf import ledger
from mdf.models import Allocation, Claim, MdfRequest, Movement
from mdf.tests.factories import claim_row, fund_row, request_row
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

K = Movement.Kind
amounts = st.integers(min_value=-2, max_value=12).map(lambda n: Decimal(n * 100))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), amounts, st.just(0)),
        st.tuples(st.just("approve"), amounts, st.just(0)),
        st.tuples(st.just("release"), amounts, st.integers(0, 3)),
        st.tuples(st.just("claim"), amounts, st.integers(0, 3)),
        st.tuples(st.just("reimburse"), st.just(Decimal(0)), st.integers(0, 3)),
        st.tuples(st.just("reverse"), st.just(Decimal(0)), st.integers(0, 8)),
    ),
    min_size=1,
    max_size=14,
)


@dataclass
class Model:
    """The balances as the table in `mdf.ledger` says they move."""

    balances: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(ledger.BALANCES, Decimal(0))
    )

    def sound_after(self, effect: dict[str, Decimal]) -> bool:
        after = {k: v + effect.get(k, Decimal(0)) for k, v in self.balances.items()}
        used = after["committed"] + after["claimed"] + after["reimbursed"]
        return min(after["committed"], after["claimed"], after["reimbursed"]) >= 0 and (
            after["allocated"] >= used
        )

    def apply(self, effect: dict[str, Decimal]) -> None:
        for k, v in effect.items():
            self.balances[k] += v


def _snapshot(allocation: Allocation) -> tuple:
    fresh = Allocation.objects.get(pk=allocation.pk)
    return (*(getattr(fresh, k) for k in ledger.BALANCES), fresh.movements.count())


@pytest.fixture
def place(in_ours):
    """A fund of its own for partner A (allocations are made per example, rolled back)."""
    fund = fund_row(in_ours.tenant, "Property fund", budget=Decimal("1000000"))
    return in_ours, fund


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
# Moves a short random run rarely reaches: releasing or claiming more than one request holds
# while the allocation holds more, reversing a reversal, paying then reversing the payment.
@example(
    sequence=[
        ("allocate", Decimal(1000), 0),
        ("approve", Decimal(400), 0),
        ("approve", Decimal(400), 0),
        ("release", Decimal(600), 0),
        ("claim", Decimal(500), 1),
        ("claim", Decimal(300), 1),
        ("reimburse", Decimal(0), 0),
        ("reverse", Decimal(0), 6),
        ("reverse", Decimal(0), 7),
        ("reverse", Decimal(0), 0),
    ]
)
def test_any_sequence_keeps_the_ledger_sound(place, sequence):
    world, fund = place
    rep = world.members[Role.PARTNER_REP]
    with scope(tenant=world.tenant), transaction.atomic():
        allocation = Allocation.objects.create(
            tenant=world.tenant, fund=fund, partner=world.partner, currency=fund.currency
        )
        model = Model()
        requests: list[MdfRequest] = []
        claims: list[Claim] = []  # settled, not paid yet
        for kind, amount, index in sequence:
            before = _snapshot(allocation)
            expected, effect, act = _plan(kind, amount, index, allocation, requests, claims, rep)
            if act is None:
                continue
            passes = expected and model.sound_after(effect)
            try:
                with transaction.atomic():
                    act()
            except ledger.LedgerError:
                assert not passes, (kind, amount, model.balances)
                assert _snapshot(allocation) == before  # refused: nothing changed
            else:
                assert passes, (kind, amount, model.balances)
                model.apply(effect)
            fresh = Allocation.objects.get(pk=allocation.pk)
            assert {k: getattr(fresh, k) for k in ledger.BALANCES} == model.balances
            assert min(fresh.committed, fresh.claimed, fresh.reimbursed) >= 0
            assert fresh.allocated >= fresh.committed + fresh.claimed + fresh.reimbursed
            assert ledger.movements_add_up(fresh)
        transaction.set_rollback(True)


def _plan(kind, amount, index, allocation, requests, claims, rep):
    """(whether the request-level rules allow it, its effect on the balances, the call) for one
    step; a call of None skips a step that has nothing to act on."""
    if kind == "allocate":
        return (
            amount != 0,
            {"allocated": amount},
            lambda: ledger.post(
                allocation=allocation, kind=K.ALLOCATED, amount=amount, actor=None, reason="p"
            ),
        )
    if kind == "approve":
        request = request_row(allocation, rep, amount=max(amount, Decimal(1)))
        requests.append(request)
        return (
            amount > 0,
            {"committed": amount},
            lambda: ledger.commit(request=request, amount=amount, actor=None, reason="p"),
        )
    if kind in ("release", "claim"):
        if not requests:
            return False, {}, None
        request = requests[index % len(requests)]
        held = ledger.held_by(request)
        if kind == "release":
            call = lambda: ledger.release(  # noqa: E731
                request=request, amount=amount, actor=None, reason="p"
            )
            if amount <= 0:
                return True, {}, call  # nothing to release: no line, no error
            return amount <= held, {"committed": -amount}, call
        if hasattr(request, "claim_filed"):
            return False, {}, None  # one claim per request
        claim = claim_row(request, rep, spend=max(amount, Decimal(0)), proof=False)
        request.claim_filed = claim

        def settle() -> None:
            ledger.settle_claim(claim=claim, approved=amount, actor=None, reason="p")
            claim.approved_amount = amount
            claims.append(claim)

        # the approved part moves to claimed, the rest the request held is released
        return 0 < amount <= held, {"committed": -held, "claimed": amount}, settle
    if kind == "reimburse":
        if not claims:
            return False, {}, None
        claim = claims.pop(index % len(claims))
        amount = claim.approved_amount
        return (
            True,
            {"claimed": -amount, "reimbursed": amount},
            lambda: ledger.reimburse(claim=claim, actor=None, reason="p"),
        )
    lines = list(allocation.movements.select_related("reverses").order_by("pk"))
    if not lines:
        return False, {}, None
    line = lines[index % len(lines)]
    undone = Movement.objects.filter(reverses=line).exists()
    effect = {k: -v for k, v in ledger.effects_of(line).items()}
    return not undone, effect, lambda: ledger.reverse(movement=line, actor=None, reason="p")
