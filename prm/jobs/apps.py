from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "prm.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from prm.celery import register_beat
        from prm.tenancy.capabilities import register_capabilities
        from prm.tenancy.roles import VENDOR_ROLES
        from prm.workspace.sites import tenant_admin_site

        from . import admin, phrases  # noqa: F401 - they register themselves

        # The job pages need this one capability; each job is also narrowed to the kinds whose
        # own capability the member holds (selectors.jobs_visible_to).
        register_capabilities(
            {"jobs.view": "See the background jobs of the kinds one may start, and their results."},
            roles={role: ["jobs.view"] for role in VENDOR_ROLES},
        )
        tenant_admin_site.register_urls("jobs/", "prm.jobs.urls")
        # Requeue the jobs of a killed worker, and queued jobs no worker picked up.
        register_beat("jobs-sweep", task="prm.jobs.tasks.jobs_sweep_all_task", schedule=60.0)
