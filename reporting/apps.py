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

        # C: KPI threshold alerts
