from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Dashboards, the partner scorecard and KPI threshold alerts, all read from the one
    metrics layer (`prm.metrics`): nothing imports this app, it imports every app below."""

    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from prm.tenancy.capabilities import register_capabilities

        from . import capabilities

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)

        # The CRM API: the KPIs a dashboard shows, for a period and a scope (read only).
        from prm.api.registry import register_resource, register_viewset

        from .api.kpis import KpiViewSet

        register_resource(
            "kpis",
            _("KPIs"),
            _("Read the program's KPIs for a period and a scope, as the dashboards show them."),
            read_only=True,
        )
        register_viewset("kpis", KpiViewSet)

        # A: dashboards (program and CAM), drill-downs and CSV exports
        from prm.workspace.sites import tenant_admin_site

        from . import admin  # noqa: F401 - registers its pages

        tenant_admin_site.register_urls("reporting/", "reporting.admin.urls")
        tenant_admin_site.register_menu_page(
            "reporting", _("Program dashboard"), "reporting_program", "reporting.program.view", 1
        )
        tenant_admin_site.register_menu_page(
            "reporting", _("CAM dashboard"), "reporting_cam", "reporting.cam.view", 2
        )

        # B: the partner scorecard in the portal
        from prm.portal.mounts import mount

        mount("scorecard/", "reporting.urls")

        from django.utils.translation import gettext_lazy as _lazy

        from prm.portal import nav
        from prm.portal.home import register_card

        from .home import scorecard_card

        nav.register(
            nav.NavItem(
                label=_lazy("Scorecard"),
                url_name="reporting:scorecard",
                capability="portal.scorecard",
                icon="speedometer2",
                order=25,
            )
        )
        register_card(scorecard_card, capability="portal.scorecard", order=30)

        # C: KPI threshold alerts
        # (C) the audit phrases and notification rules, seeded rules on a new tenant and in the
        # demo (after every other app's seeders: the alerts come from their data), the hourly
        # sweep (a task per tenant), the alert pages (reporting/admin/alerts.py, registered by
        # `admin` above) and the "open alerts for you" to-do card.
        from prm.celery import register_beat
        from prm.notifications.events import subscribe
        from prm.tenancy import demo
        from prm.workspace.todo import register_todo

        from . import notifications, phrases  # noqa: F401 - they register
        from .alerts.seed import on_tenant_created
        from .beat import SWEEP_EVERY
        from .demo_alerts import seed_demo_alerts
        from .todo import open_alerts_todo, qbrs_todo

        subscribe("platform.tenant.created", on_tenant_created)
        demo.register_seeder(seed_demo_alerts, order=200)
        register_beat(
            "reporting-alerts-sweep", task="reporting.tasks.alerts_sweep_all_task",
            schedule=SWEEP_EVERY,
        )  # fmt: skip
        register_todo(open_alerts_todo, capability="reporting.alerts.view", order=20)

        # D: demo history (a year of registrations, sign-ins and training, after every app's
        # seeders and before the alerts' sweep over it)
        from .demo import seed_history

        demo.register_seeder(seed_history, order=110)

        # E: quarterly business reviews -- their events and notification rules, the action
        # items' reminders, the editor and export pages (`admin`), the portal pages
        from prm.notifications.reminders import register_reminder

        from .demo_qbrs import seed_demo_qbrs
        from .qbrs import events as qbr_events  # noqa: F401 - declares and registers
        from .qbrs.reminders import due_soon_actions, overdue_actions

        register_reminder(due_soon_actions)
        register_reminder(overdue_actions)
        from .surveys import register_survey_trigger

        register_survey_trigger()  # partner satisfaction is asked once a review is held
        mount("reviews/", "reporting.urls_reviews")
        demo.register_seeder(seed_demo_qbrs, order=210)  # after the history and the alerts
        register_todo(qbrs_todo, capability="reporting.qbrs.edit", order=25)
        nav.register(
            nav.NavItem(
                label=_lazy("Reviews"),
                url_name="qbrs:reviews",
                capability="portal.qbr_actions",
                icon="journal-check",
                order=27,
            )
        )
        tenant_admin_site.register_menu_page(
            "reporting", _("Prepare a business review"), "reporting_qbr_prepare",
            "reporting.qbrs.edit", 32,
        )  # fmt: skip

        # E: the bulk export of QBRs (a background job ending in a zip of PDFs) and its page
        from prm.jobs.registry import register_job

        from .qbrs.export import QBR_EXPORT

        register_job(QBR_EXPORT)
        tenant_admin_site.register_menu_page(
            "reporting", _("Export QBRs"), "reporting_qbr_export", "reporting.qbrs.export", 5
        )
