"""Enqueue a task after the current transaction commits, without making the request need Redis."""

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Run `task.apply_async(kwargs=kwargs)` once the transaction commits.

    If the broker cannot be reached the failure is logged and the request still succeeds: the work
    is recorded in the database row the task reads, and a periodic sweep enqueues it again.
    """

    def publish() -> None:
        try:
            task.apply_async(kwargs=kwargs, retry=False)
        except (OperationalError, OSError):
            logger.warning("Broker unreachable; %s(%r) left for the sweep", task.name, kwargs)

    transaction.on_commit(publish)
