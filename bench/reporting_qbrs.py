"""The QBR benchmark scenarios (issue 18): one QBR PDF, the queries of one partner's snapshot,
and a bulk export of 100 partners, on the data the deals, training, MDF, commissions and
reporting benches load (nothing more to generate).

- `qbr PDF (fn)`: `render_qbr_pdf` of the bench partner's figures for last quarter, 10 renders;
  target p50 ≤ 1.6 s (read from the table) and p95 ≤ 2.5 s at M.
- `qbr snapshot_data (fn)`: building the bench partner's snapshot; its `queries` column is
  what the issue bounds (≤ 15).
- `qbr bulk export 100 partners (function)`: one run of the export job over 100 partners
  (`run_job`, as a worker runs it), rolled back afterwards and its files removed; reports the
  total and per-partner seconds and the largest gap between two progress writes (≤ 5 s).

Every figure carries its ratio to the 50-row reference page of the same run. The QBRs used
are unsaved or rolled back: the bench database is left as it was.

    uv run python -m bench run --scale S --only qbr
"""

import itertools
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

REF = "ref: 50-row table"
EXPORTED = 100
PDF_RENDERS = 10


def _quarter(tenant: Any) -> Any:
    from reporting.qbrs.services import recent_quarters

    return recent_quarters(tenant, timezone.localdate())[1]


def _unsaved_qbr(tenant: Any, partner: Any) -> Any:
    """The partner's QBR of last quarter as an unsaved row: what `snapshot_data` reads."""
    from reporting.models import Qbr

    quarter = _quarter(tenant)
    return Qbr(tenant=tenant, partner=partner, period_start=quarter.start, period_end=quarter.end)


def _document(qbr: Any) -> dict[str, Any]:
    """A draft's document data without touching the database (no action items)."""
    from reporting.qbrs.snapshot import snapshot_data

    narrative = {
        "status": "draft",
        "highlights": "A strong quarter in the bench.",
        "roadblocks": "",
        "action_items": [],
        "held_on": None,
        "finalised_by": "",
    }
    return {**snapshot_data(qbr), "narrative": narrative}


def qbr_scenarios(bench: Any) -> list[Any]:
    from .run import Scenario, Target

    tenant = bench.tenant
    partner = bench.admin.partner

    def pdf() -> Any:
        from reporting.qbrs.document import render_qbr_pdf

        with scope(tenant=tenant):
            data = _document(_unsaved_qbr(tenant, partner))
        return lambda i: render_qbr_pdf(data, tenant=tenant)

    def snapshot() -> Any:
        from reporting.qbrs.snapshot import snapshot_data

        def once(i: int) -> Any:
            with scope(tenant=tenant):
                return snapshot_data(_unsaved_qbr(tenant, partner))

        return once

    return [
        Scenario("qbr PDF (fn)", "function", REF, pdf, Target(p95_ms=2500), PDF_RENDERS),
        Scenario("qbr snapshot_data (fn)", "function", REF, snapshot, None, PDF_RENDERS),
    ]


class _Watched:
    """Records when a job's progress is written (the heartbeat the page and the sweep read)."""

    def __init__(self) -> None:
        self.writes: list[float] = []

    def __enter__(self) -> "_Watched":
        from prm.jobs.progress import Progress

        self._real = Progress._write
        writes = self.writes

        def write(progress: Any) -> None:
            writes.append(time.monotonic())
            self._real(progress)

        Progress._write = write  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from prm.jobs.progress import Progress

        Progress._write = self._real  # type: ignore[method-assign]


def qbr_bulk_export(bench: Any, results: list[Any]) -> Any:
    """The export job over the first 100 partners (by name) the bench's program leader sees,
    last quarter, run once as a worker runs it, rolled back; the files it wrote removed."""
    from prm.jobs.models import Job
    from prm.jobs.runner import run_job
    from prm.tenancy.partner_access import visible_partners
    from reporting.models import QbrExportItem
    from reporting.qbrs.export import EXPORTED_STATUSES, KIND

    from .run import Result

    result = Result(f"qbr bulk export {EXPORTED} partners (function)", "function", REF)
    tenant, leader = bench.tenant, bench.leader
    files: list[Any] = []
    try:
        with scope(tenant=tenant), transaction.atomic():
            partners = list(
                visible_partners(leader)
                .filter(status__in=EXPORTED_STATUSES)
                .order_by("name", "pk")
                .values_list("pk", flat=True)[:EXPORTED]
            )
            quarter = _quarter(tenant)
            job = Job.objects.create(
                tenant=tenant,
                kind=KIND,
                label="bench export",
                params={"quarter": quarter.start.isoformat(), "scope": "bench", "by": leader.pk},
                created_by=leader.user,
            )
            QbrExportItem.objects.bulk_create(
                [QbrExportItem(tenant=tenant, job=job, partner_id=pk) for pk in partners]
            )
            with _Watched() as watched:
                t0 = time.monotonic()
                run_job(job.pk)
                seconds = time.monotonic() - t0
            job.refresh_from_db()
            files = [i.pdf for i in QbrExportItem.objects.filter(job=job) if i.pdf]
            if job.result:
                files.append(job.result)
            transaction.set_rollback(True)
    except Exception as e:  # a broken scenario must not hide the others' numbers
        result.verdict, result.note = "ERROR", f"{type(e).__name__}: {e}"[:200]
        return result
    finally:
        for stored in files:
            stored.storage.delete(stored.name)
    moments = [t0, *watched.writes]
    gap = max(b - a for a, b in itertools.pairwise(moments)) if watched.writes else 0
    n = len(partners)
    result.iterations = 1
    result.p50_ms = result.p95_ms = result.mean_ms = round(seconds * 1000, 1)
    ref = next((r for r in results if r.name == REF and r.p95_ms), None)
    if ref is not None:
        result.ratio = round(result.p95_ms / ref.p95_ms, 2)
    result.target = "progress gap<=5s"
    result.verdict = "PASS" if job.status == Job.Status.DONE and gap <= 5 else "FAIL"
    result.note = (
        f"{job.status}: {job.done} of {n} partners in {seconds:.1f} s, "
        f"{seconds / max(n, 1):.2f} s per partner, largest gap between progress writes "
        f"{gap:.1f} s, {job.failed} failed"
    )
    return result
