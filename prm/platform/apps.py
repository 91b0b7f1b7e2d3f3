from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """The operator's side: the platform host's admin, where tenants are created."""

    name = "prm.platform"
    label = "platform"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import events  # noqa: F401 - declares the platform's events
