"""Beat runs the core's jobs and the ones each app registered (prm.celery.register_beat)."""

import pytest

from prm import celery_app
from prm.celery import register_beat


def test_every_beat_entry_names_a_task_the_workers_know():
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    schedule = celery_app.conf.beat_schedule
    assert {"outbox-sweep", "tiers", "deals-sweep"} <= schedule.keys()
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks, entry


def test_an_entry_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="twice"):
        register_beat("deals-sweep", task="deals.tasks.deals_sweep_all_task", schedule=60)
