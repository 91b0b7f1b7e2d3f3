from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The vendor's admin UI: its site, the model admin base, the shared page helpers."""

    name = "prm.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        # Django's default AdminConfig would register on its own site; with SimpleAdminConfig the
        # apps' admin modules register on our two sites, and both URL confs need them loaded
        # whichever host is served first.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("admin")

        from . import phrases  # noqa: F401 - it registers itself
        from .partner_page import activity_section, register_partner_section

        register_partner_section(activity_section, order=900)
