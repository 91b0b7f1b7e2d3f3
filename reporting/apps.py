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

        # D: demo history (a year of registrations, sign-ins and training, after every seeder)
        from prm.tenancy import demo

        from .demo import seed_history

        demo.register_seeder(seed_history, order=110)
