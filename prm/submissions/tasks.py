"""Forgetting old claims: a replay comes seconds after the first request, not days."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import Submission

KEEP = timedelta(days=1)


@shared_task
def submissions_prune_task() -> int:
    """Delete claims older than `KEEP`; returns how many."""
    deleted, _ = Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
