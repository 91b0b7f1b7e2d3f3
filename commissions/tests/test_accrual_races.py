"""Two wins of one deal at once, on real database connections, accrue one line."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from commissions.models import Line
from deals import services as deal_services
from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.tenancy.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]


def test_two_simultaneous_wins_of_one_deal_accrue_one_line(ours):
    cam = ours.members[Role.CAM]
    leader = ours.members[Role.PROGRAM_LEADER]
    with scope(tenant=ours.tenant):
        deal = DealFactory(
            partner=ours.partner,
            owner=ours.members[Role.PARTNER_REP],
            status=Deal.Status.APPROVED,
            holds_claim=True,
            amount=Decimal("40000"),
            approved_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
        )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def winner(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            with scope(tenant=ours.tenant):
                start.wait(timeout=30)
                try:
                    deal_services.deal_mark_won(
                        actor=actor,
                        deal=deal,
                        amount=Decimal("40000"),
                        closed_on=timezone.localdate(),
                    )
                    outcomes.append("won")
                except ValidationError:
                    outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=winner, args=(m,)) for m in (cam, leader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "won"]
    with scope(tenant=ours.tenant):
        assert Line.objects.filter(deal=deal, source=Line.Source.DEAL).count() == 1
