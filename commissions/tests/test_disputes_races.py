"""Two partner admins questioning one line at once, on real connections: one thread, both
messages in it."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from commissions.models import Dispute, DisputeMessage
from commissions.services.disputes import dispute_raise
from commissions.tests.factories import line_row
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]


def test_two_admins_questioning_one_line_at_once_share_one_open_thread(ours):
    with scope(tenant=ours.tenant):
        line = line_row(ours.partner, "500")
        admins = [
            ours.members[Role.PARTNER_ADMIN],
            partner_membership(ours.partner, Role.PARTNER_ADMIN),
        ]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def ask(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            with scope(tenant=ours.tenant):
                start.wait(timeout=30)
                dispute_raise(actor=actor, line=line, message=f"Question from {actor.pk}")
                outcomes.append("asked")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(a,)) for a in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["asked", "asked"]
    with scope(tenant=ours.tenant):
        dispute = Dispute.objects.get(line=line)
        assert dispute.status == Dispute.Status.OPEN
        assert DisputeMessage.objects.filter(dispute=dispute).count() == 2
