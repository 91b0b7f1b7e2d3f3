from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "prm.tenancy"
    label = "tenancy"
    verbose_name = _("Program administration")

    def ready(self) -> None:
        # Django's default AdminConfig would register on its own site; with SimpleAdminConfig the
        # apps' admin modules register on our two sites, and both URL confs need them loaded
        # whichever host is served first.
        from django.utils.module_loading import autodiscover_modules

        from . import events  # noqa: F401 - declares the tenancy events

        autodiscover_modules("admin")
