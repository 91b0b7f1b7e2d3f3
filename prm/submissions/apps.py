from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "prm.submissions"
    label = "submissions"
    verbose_name = _("Form submissions")

    def ready(self) -> None:
        from celery.schedules import crontab

        from prm.celery import register_beat

        register_beat(
            "submissions-prune",
            task="prm.submissions.tasks.submissions_prune_task",
            schedule=crontab(minute=40),
        )
