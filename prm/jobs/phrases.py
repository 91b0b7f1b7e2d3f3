"""How the audit events of background jobs read (`prm.audit.sentences`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "jobs.job.started": Phrase(_("Job started"), _("{actor} started the job {object}")),
        "jobs.job.cancel_requested": Phrase(
            _("Job cancellation asked"), _("{actor} asked to cancel the job {object}")
        ),
        "jobs.job.cancelled": Phrase(_("Job cancelled"), _("{actor} cancelled the job {object}")),
        "jobs.job.finished": Phrase(_("Job finished"), _("The job {object} finished")),
        "jobs.job.failed": Phrase(_("Job failed"), _("The job {object} failed")),
    }
)
