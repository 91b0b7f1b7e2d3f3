from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "prm.exchange"
    label = "exchange"
    verbose_name = _("Exchange rates")

    def ready(self) -> None:
        from prm.tenancy.capabilities import register_capabilities
        from prm.workspace.sites import tenant_admin_site

        # they register (admin.py, the menu's entry, is autodiscovered by the workspace)
        from . import capabilities, phrases  # noqa: F401

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        # The rates page and its add, delete and import pages (admin:exchange_rates, ...).
        tenant_admin_site.register_urls("exchange-rates/", "prm.exchange.urls")
