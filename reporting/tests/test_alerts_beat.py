"""Beat sweeps every active tenant hourly, a task per tenant (never per partner)."""

import pytest
from django_scopes import scope

from prm.celery import app
from reporting import tasks
from reporting.models import Alert, AlertRule

from .alert_rows import inactive_rule, watched_partner

pytestmark = pytest.mark.django_db


def test_the_sweep_is_on_beat_hourly():
    entry = app.conf.beat_schedule["reporting-alerts-sweep"]
    assert entry["task"] == "reporting.tasks.alerts_sweep_all_task"
    assert entry["schedule"] == 60 * 60


def test_the_beat_task_sweeps_each_active_tenant(ours, theirs, monkeypatch):
    with scope(tenant=ours.tenant):
        AlertRule.objects.filter(pk=ours.alert_rule.pk).update(is_active=False)  # the world's
        rule = inactive_rule(watched_partner(ours))
    asked: list[int] = []
    monkeypatch.setattr(
        tasks.alerts_sweep_task, "delay", lambda **kw: asked.append(kw["tenant_id"])
    )
    tasks.alerts_sweep_all_task()
    assert {ours.tenant.pk, theirs.tenant.pk} <= set(asked)
    assert len(asked) == len(set(asked))  # once per tenant
    assert tasks.alerts_sweep_task(tenant_id=ours.tenant.pk) == 1
    with scope(tenant=ours.tenant):
        assert Alert.objects.filter(rule=rule).count() == 1
