"""Two sweeps of one tenant at once, on real database connections, meeting just before they
write: the alert fires once (one row, one notification), and resolves once. The loser of the
insert changes nothing and raises nothing (ON CONFLICT against the partial unique constraint);
the loser of the resolution waits on the row lock and then finds nothing left to resolve."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from prm.notifications.models import Notification
from prm.tenancy.roles import Role
from reporting.alerts import sweep
from reporting.models import Alert, AlertRule

from .alert_rows import inactive_rule, sign_in, watched_partner

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]


def _two_sweeps_at_once(tenant, monkeypatch) -> list[object]:
    meet = threading.Barrier(2)
    monkeypatch.setattr(sweep, "before_write", lambda: meet.wait(timeout=30))
    outcomes: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with scope(tenant=tenant):
                result: object = sweep.sweep_tenant(tenant)
        except Exception as exc:  # the test fails on any
            result = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_sweeps_at_once_fire_once_and_resolve_once(ours, monkeypatch):
    cam = ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        AlertRule.objects.filter(pk=ours.alert_rule.pk).update(is_active=False)  # the world's
        partner = watched_partner(ours)
        rule = inactive_rule(partner)

    outcomes = _two_sweeps_at_once(ours.tenant, monkeypatch)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(len(o.fired) for o in outcomes) == [0, 1]  # type: ignore[attr-defined]
    with scope(tenant=ours.tenant):
        assert Alert.objects.filter(rule=rule).count() == 1
        fired = Notification.objects.filter(recipient_id=cam.user_id, event="reporting.alert.fired")
        assert fired.count() == 1
        sign_in(partner, timezone.localdate() - timedelta(days=1))

    outcomes = _two_sweeps_at_once(ours.tenant, monkeypatch)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(len(o.resolved) for o in outcomes) == [0, 1]  # type: ignore[attr-defined]
    with scope(tenant=ours.tenant):
        assert list(Alert.objects.filter(rule=rule).values_list("state", flat=True)) == [
            Alert.State.RESOLVED
        ]
        assert (
            Notification.objects.filter(
                recipient_id=cam.user_id, event="reporting.alert.resolved"
            ).count()
            == 1
        )
