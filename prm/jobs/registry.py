"""The kinds of background job, registered by the apps that run them.

    register_job(JobKind(
        name="commissions.close_period",
        label=_("Close a commission period"),
        capability="commissions.statements.manage",
        run=close_period_run,                      # run(job, progress) -> None
        back_url=lambda job: reverse("admin:commissions_statement_run", args=[job.params["run"]]),
    ))

`capability` decides who may start one, see it, cancel it and download its result. `run` gets
the `Job` (its `params` say what to do) and a `prm.jobs.progress.Progress`; it must be
resumable (see the package's docstring).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import Job
    from .progress import Progress


@dataclass(frozen=True)
class JobKind:
    #: dotted, prefixed with the app's label: "commissions.close_period"
    name: str
    #: what the kind does, for lists and filters
    label: str | Promise
    #: held by who may start, see, cancel and download such jobs
    capability: str
    run: "Callable[[Job, Progress], None]"
    #: where the job page's "Back to …" link goes (None: back to the list of jobs)
    back_url: "Callable[[Job], str | None] | None" = None
    #: when set, only members holding this capability see every job of the kind; the others
    #: (holding `capability`) see the jobs they started. For kinds whose result shows what
    #: the starter sees: a CAM's export of their partners' QBRs is not for another CAM, and an
    #: export of the whole program is not for a CAM.
    see_all: str | None = None


_KINDS: dict[str, JobKind] = {}


def register_job(kind: JobKind) -> None:
    """Make `kind` startable. Raises `ValueError` for a name registered twice."""
    if kind.name in _KINDS:
        raise ValueError(f"job kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind


def job_kind(name: str) -> JobKind:
    """The kind registered under `name`; `LookupError` when none is."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r}") from None


def job_kinds() -> list[JobKind]:
    """Every registered kind."""
    return list(_KINDS.values())


def kinds_for(membership: object) -> list[str]:
    """The names of the kinds whose capability `membership` holds."""
    can = getattr(membership, "can", None)
    return [k.name for k in _KINDS.values() if can is not None and can(k.capability)]


def kinds_seen_whole(membership: object) -> list[str]:
    """Of `kinds_for(membership)`, the kinds whose every job the member sees (the others:
    only the jobs they started; `JobKind.see_all`)."""
    can = getattr(membership, "can", None)
    return [
        name
        for name in kinds_for(membership)
        if _KINDS[name].see_all is None or (can is not None and can(_KINDS[name].see_all))
    ]
