"""The Celery application. Tasks that touch tenant data use `prm.tenancy.tasks.TenantTask`.

The core's periodic jobs are in `CELERY_BEAT_SCHEDULE` (settings); an app adds its own from its
`AppConfig.ready()` with `register_beat`, so the core names no task of an app above it.
"""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.dev")

app = Celery("prm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def register_beat(name: str, *, task: str, schedule: Any) -> None:
    """Run `task` (its dotted name) on `schedule` (seconds or a crontab) from Celery beat."""
    if name in app.conf.beat_schedule:
        raise ValueError(f"beat entry {name!r} registered twice")
    app.conf.beat_schedule = {**app.conf.beat_schedule, name: {"task": task, "schedule": schedule}}
