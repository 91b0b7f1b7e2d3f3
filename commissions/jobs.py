"""Closing a period as a background job (`prm.jobs`, kind `commissions.close_period`): the
close page starts it, the job page shows its progress bar, and the run is `period_close`
chunk by chunk.

Resumable: a worker killed mid-run is started again from the top, and `period_close` takes
only the partners that still have approved lines due (or a balance to carry into a statement
the period lacks): partners whose statements were drafted or refreshed before the kill are
skipped, and the statements drafted since the job was created count as done again.
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.jobs.models import Job
from prm.jobs.progress import Progress
from prm.jobs.registry import JobKind
from prm.metrics.periods import Period
from prm.tenancy.models import Membership

from .models import Statement
from .services.statements import period_close

KIND = "commissions.close_period"


def period_params(period: Period) -> dict[str, str]:
    """The job's params: the period's days (a job per period; the same period twice at once
    is one job, `job_start`)."""
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def close_period_run(job: Job, progress: Progress) -> None:
    """Run `period_close` for the job's period as the member who started it (who must still
    hold `commissions.approve`: `PermissionDenied` fails the job with a sentence)."""
    period = Period(date.fromisoformat(job.params["start"]), date.fromisoformat(job.params["end"]))
    actor = None
    if job.created_by_id is not None:
        actor = (
            Membership.objects.filter(
                tenant_id=job.tenant_id, user_id=job.created_by_id, is_active=True
            )
            .select_related("tenant", "user")
            .first()
        )
    if actor is None:
        progress.set_total(0)
        progress.fail(_("the job"), _("Whoever started it is no longer a member."))
        return
    already = Statement.objects.filter(
        tenant_id=job.tenant_id, period_start=period.start, created_at__gte=job.created_at
    ).count()
    reported = {"done": 0}

    def report(done: int, total: int) -> None:
        if done == 0:
            progress.set_total(total + already)
            progress.advance(already)
        else:
            progress.advance(done - reported["done"])
        reported["done"] = done

    period_close(actor=actor, period=period, progress=report, cancelled=lambda: progress.cancelled)


def back_to_statements(job: Job) -> str:
    url = reverse("admin:commissions_statement_changelist")
    return f"{url}?period={job.params.get('start', '')}"


CLOSE_PERIOD = JobKind(
    name=KIND,
    label=gettext_lazy("Close a commission period"),
    capability="commissions.approve",
    run=close_period_run,
    back_url=back_to_statements,
)
