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

        # Part D: notifications, beat, the partner page's MDF section.
        from prm.celery import register_beat
        from prm.workspace.partner_page import register_partner_activity, register_partner_section

        from . import notifications  # noqa: F401 - its rules register
        from .overview import (
            allocations_of_partner,
            claims_of_partner,
            mdf_section,
            requests_of_partner,
        )

        register_beat("mdf-sweep", task="mdf.tasks.mdf_sweep_all_task", schedule=15 * 60)
        register_partner_section(mdf_section, capability="mdf.view", order=25)
        register_partner_activity(requests_of_partner)
        register_partner_activity(claims_of_partner)
        register_partner_activity(allocations_of_partner)
