"""What a running job reports, written to its row without a write per item.

A job of 5,000 items that saved its counters after each would add 5,000 UPDATEs to its own
work; `Progress` keeps them in memory and writes them at most every `SAVE_EVERY` seconds (and
always at the end, `flush`), with the heartbeat the sweep watches. Whether someone asked to
cancel is read from the database at most every `CANCEL_EVERY` seconds.
"""

import time
import uuid
from collections.abc import Callable
from typing import IO

from django.core.files.base import ContentFile, File
from django.utils import timezone
from django.utils.text import get_valid_filename

from .models import MAX_FAILURES, Job

#: seconds between two writes of the counters
SAVE_EVERY = 0.5
#: seconds between two reads of the cancel flag
CANCEL_EVERY = 1.0


class Progress:
    """Handed to a kind's `run(job, progress)`.

    `set_total(n)` once the items are known, `advance()` per item done (items an earlier
    attempt already did count too), `fail(item, message)` per item that could not be done,
    `cancelled` between items (stop and return when it is true), `attach(name, content)` for
    the file the job produced, `heartbeat()` during a long item.
    """

    def __init__(self, job: Job, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.job = job
        self._clock = clock
        self._saved_at = clock()
        self._checked_at: float | None = None
        self._cancelled = job.cancel_requested_at is not None
        self._dirty = False

    def set_total(self, n: int) -> None:
        self.job.total = max(0, n)
        self._dirty = True
        self._save_soon()

    def advance(self, n: int = 1) -> None:
        self.job.done += n
        self._dirty = True
        self._save_soon()

    def fail(self, item: str, message: str) -> None:
        """Count `item` as failed, with why (kept for the first `MAX_FAILURES` items)."""
        self.job.failed += 1
        if len(self.job.failures) < MAX_FAILURES:
            self.job.failures.append({"item": str(item)[:200], "message": str(message)[:1000]})
        self._dirty = True
        self._save_soon()

    @property
    def cancelled(self) -> bool:
        """Whether someone asked to cancel the job (read at most once a second)."""
        if self._cancelled:
            return True
        now = self._clock()
        if self._checked_at is None or now - self._checked_at >= CANCEL_EVERY:
            self._checked_at = now
            self._cancelled = Job.objects.filter(
                pk=self.job.pk, cancel_requested_at__isnull=False
            ).exists()
        return self._cancelled

    def attach(self, name: str, content: bytes | IO[bytes]) -> None:
        """Store the job's result file (private storage, under the tenant); it replaces any
        earlier one (an attempt resumed after a killed worker attaches again). `content` is
        the bytes, or an open binary file (a large zip written to a temporary file)."""
        job = self.job
        old = job.result.name if job.result else ""
        path = f"jobs/{job.tenant_id}/{uuid.uuid4().hex}/{get_valid_filename(name) or 'result'}"
        upload = ContentFile(content) if isinstance(content, bytes) else File(content)
        job.result.save(path, upload, save=False)
        job.result_name = name[:200]
        Job.objects.filter(pk=job.pk).update(result=job.result.name, result_name=job.result_name)
        if old:
            job.result.storage.delete(old)

    def heartbeat(self) -> None:
        """Say the worker is alive during a long item (written at most every `SAVE_EVERY`)."""
        self._save_soon(force_beat=True)

    def flush(self) -> None:
        """Write the counters now (the runner calls it when `run` returns or raises)."""
        self._write()

    def _save_soon(self, *, force_beat: bool = False) -> None:
        if self._clock() - self._saved_at >= SAVE_EVERY and (self._dirty or force_beat):
            self._write()

    def _write(self) -> None:
        job = self.job
        job.heartbeat_at = timezone.now()
        Job.objects.filter(pk=job.pk).update(
            total=job.total,
            done=job.done,
            failed=job.failed,
            failures=job.failures,
            heartbeat_at=job.heartbeat_at,
        )
        self._saved_at = self._clock()
        self._dirty = False
