"""Sixty deals of twelve partners won at once against one campaign with a small budget, on real
database connections: exactly the awards that fit are made, `awarded` never exceeds the budget
and the ledger holds one SPIF line per award (the campaign's row lock serialises the
reservations; its check constraint stands behind it)."""

import queue
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from commissions.models import Line, SpifAward, SpifCampaign
from commissions.tests.factories import spif_row
from deals import services as deal_services
from deals.models import Deal
from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]

PARTNERS = 12
DEALS_EACH = 5
WORKERS = 12
EACH = Decimal("750.00")
BUDGET = Decimal("10000.00")
FIT = int(BUDGET // EACH)  # 13 of the 60


def test_concurrent_wins_never_award_more_than_the_budget(ours):
    leader = ours.members[Role.PROGRAM_LEADER]
    now = timezone.now()
    with scope(tenant=ours.tenant):
        # the world's campaign would award these deals too: this test is about its own
        SpifCampaign.objects.filter(tenant=ours.tenant).update(
            ends_on=timezone.localdate() - timedelta(days=1)
        )
        campaign = spif_row(ours.tenant, "Race SPIF", amount=EACH, budget=BUDGET)
        ids = []
        for n in range(PARTNERS):
            partner = PartnerFactory(
                tenant=ours.tenant, name=f"Race partner {n}", partner_type=ours.partner.partner_type
            )
            rep = partner_membership(partner, Role.PARTNER_REP)
            for _ in range(DEALS_EACH):
                ids.append(
                    DealFactory(
                        partner=partner,
                        owner=rep,
                        status=Deal.Status.APPROVED,
                        holds_claim=True,
                        amount=Decimal("40000"),
                        approved_at=now,
                        expires_at=now + timedelta(days=30),
                    ).pk
                )
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
                        deal_services.deal_mark_won(
                            actor=leader,
                            deal=Deal.objects.get(pk=pk),
                            amount=Decimal("40000"),
                            closed_on=timezone.localdate(),
                        )
                        outcome = "won"
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
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)

    # every win went through: a SPIF that does not fit never undoes a win
    assert set(outcomes.values()) == {"won"}, set(outcomes.values())
    with scope(tenant=ours.tenant):
        campaign.refresh_from_db()
        awards = list(SpifAward.objects.filter(campaign=campaign))
        assert len(awards) == FIT
        assert campaign.awarded == EACH * FIT <= campaign.budget
        assert sum(a.reserved for a in awards) == campaign.awarded
        lines = Line.objects.filter(tenant=ours.tenant, key__in=[f"spif:{a.pk}" for a in awards])
        assert lines.count() == FIT
        assert {line.amount for line in lines} == {EACH}
        assert {a.line_id for a in awards} == set(lines.values_list("pk", flat=True))
