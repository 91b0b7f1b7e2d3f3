"""Business reviews on real concurrent connections: two members opening the same partner's review
of a quarter at once get one review with one snapshot; two finalising it at once make one final
snapshot, and the second is told the review is final; two shares tell the partner once."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from prm.notifications.models import Notification
from prm.tenancy.models import Membership
from prm.tenancy.roles import Role
from reporting.models import Qbr, QbrSnapshot
from reporting.qbrs import services

ROUNDS = 3


def _race(world, calls: list[Callable[[], Any]]) -> list[str]:
    """Run every call at once, each in its own thread and database connection."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            with scope(tenant=world.tenant):
                start.wait(timeout=10)
                outcomes.append(f"ok {call()}")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_openings_at_once_make_one_review_and_one_snapshot(ours):
    cam, leader = ours.members[Role.CAM], ours.members[Role.PROGRAM_LEADER]
    this_quarter = services.quarter_of(ours.tenant, timezone.localdate())
    day = this_quarter.start
    for _round in range(ROUNDS):
        with scope(tenant=ours.tenant):
            Qbr.objects.filter(tenant=ours.tenant, partner=ours.partner).delete()
        outcomes = _race(
            ours,
            [
                lambda: services.qbr_open(actor=cam, partner=ours.partner, day=day).pk,
                lambda: services.qbr_open(actor=leader, partner=ours.partner, day=day).pk,
            ],
        )
        with scope(tenant=ours.tenant):
            [qbr] = Qbr.objects.filter(tenant=ours.tenant, partner=ours.partner)
            assert QbrSnapshot.objects.filter(qbr=qbr).count() == 1
        assert outcomes == [f"ok {qbr.pk}"] * 2


@pytest.mark.django_db(transaction=True)
def test_two_finalisations_at_once_make_one_final_snapshot(ours):
    cam, leader = ours.members[Role.CAM], ours.members[Role.PROGRAM_LEADER]
    day = services.quarter_of(ours.tenant, timezone.localdate()).start - timedelta(days=1)
    held = timezone.localdate()
    for _round in range(ROUNDS):
        with scope(tenant=ours.tenant):
            Qbr.objects.filter(tenant=ours.tenant, partner=ours.partner).delete()
            qbr = services.qbr_open(actor=cam, partner=ours.partner, day=day)
            told = Notification.objects.filter(event="reporting.qbr.shared").count()
        _race(
            ours,
            [
                lambda qbr=qbr: services.qbr_share(actor=cam, qbr=qbr).pk,
                lambda qbr=qbr: services.qbr_share(actor=leader, qbr=qbr).pk,
            ],
        )
        outcomes = _race(
            ours,
            [
                lambda qbr=qbr: services.qbr_finalise(actor=cam, qbr=qbr, held_on=held).pk,
                lambda qbr=qbr: services.qbr_finalise(actor=leader, qbr=qbr, held_on=held).pk,
            ],
        )
        assert outcomes == sorted([f"ok {qbr.pk}", "TransitionError"])
        with scope(tenant=ours.tenant):
            assert QbrSnapshot.objects.filter(qbr=qbr, final=True).count() == 1
            admins = Membership.objects.filter(
                tenant=ours.tenant, partner=ours.partner, role=Role.PARTNER_ADMIN, is_active=True
            ).count()
            shared = Notification.objects.filter(event="reporting.qbr.shared").count()
            assert shared == told + admins  # shared once, told once
