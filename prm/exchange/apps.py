from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "prm.exchange"
    label = "exchange"
    verbose_name = _("Exchange rates")

    def ready(self) -> None:
        from prm.tenancy.capabilities import register_capabilities

        from . import capabilities, phrases  # noqa: F401 - they register

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
