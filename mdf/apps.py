from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdfConfig(AppConfig):
    name = "mdf"
    verbose_name = _("Market development funds")

    def ready(self) -> None:
        from prm.notifications.events import subscribe
        from prm.tenancy.capabilities import register_capabilities

        from . import capabilities, events, phrases  # noqa: F401 - they register
        from .setup import mdf_defaults_ensure

        register_capabilities(capabilities.CAPABILITIES, roles=capabilities.ROLES)
        subscribe("platform.tenant.created", lambda event: mdf_defaults_ensure(tenant=event.tenant))

        # Part A: funds and allocations -- the metrics (mdf.allocated, committed, reimbursed,
        # utilisation, roi) in the core registry.
        from . import metrics  # noqa: F401 - registers them
