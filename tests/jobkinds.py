"""A job kind that exists only in the tests (`tests.count`), to prove `prm.jobs` end to end and
to give the isolation matrix a job to open (`tests/worlds.py` imports this module).

`run` "processes" each item of `params["items"]` by writing one audit event for it, committed
item by item, and skips the items an earlier attempt already processed: a resumed job shows
that no item's effect happens twice. Items in `params["fail"]` fail with a message; the item
`params["boom"]` raises; `params["attach"]` attaches a CSV of the items. Tests may set `on_item`
to act between items (ask to cancel, kill the worker).
"""

from collections.abc import Callable

from django.db import transaction

from prm.audit.models import AuditEvent
from prm.audit.services import audit_record
from prm.jobs.models import Job
from prm.jobs.progress import Progress
from prm.jobs.registry import JobKind, register_job

KIND = "tests.count"
ITEM_ACTION = "tests.count.item"

#: called with (job, item) after each item is processed; tests replace it
on_item: Callable[[Job, str], None] = lambda job, item: None  # noqa: E731


def processed_items(job: Job) -> list[str]:
    """The items whose effect happened, once per time it happened."""
    return list(
        AuditEvent.objects.filter(
            tenant_id=job.tenant_id, action=ITEM_ACTION, object_id=str(job.pk)
        ).values_list("after__item", flat=True)
    )


def count_run(job: Job, progress: Progress) -> None:
    items = [str(i) for i in job.params.get("items", [])]
    progress.set_total(len(items))
    already = set(processed_items(job))
    for item in items:
        if progress.cancelled:
            return
        if item in already:
            progress.advance()  # an earlier attempt did it: count it, do not do it again
            continue
        if item in job.params.get("fail", []):
            progress.fail(item, f"Item {item} is refused")
            continue
        if item == job.params.get("boom"):
            raise RuntimeError(f"item {item} exploded")
        with transaction.atomic():
            audit_record(
                tenant=job.tenant, actor=None, action=ITEM_ACTION, obj=job, after={"item": item}
            )
        progress.advance()
        on_item(job, item)
    if job.params.get("attach"):
        progress.attach("counted items.csv", ("item\n" + "\n".join(items) + "\n").encode())


register_job(
    JobKind(
        name=KIND,
        label="Count items (tests)",
        capability="jobs.view",
        run=count_run,
        back_url=lambda job: "/admin/jobs/",
    )
)

#: the same work, for members holding `audit.view` only (program leaders, partner operations):
#: a CAM may neither start such a job nor see it
RESTRICTED_KIND = "tests.count_restricted"

register_job(
    JobKind(
        name=RESTRICTED_KIND,
        label="Count items (restricted)",
        capability="audit.view",
        run=count_run,
    )
)
