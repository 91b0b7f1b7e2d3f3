from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "prm.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import nav

        nav.register(
            nav.NavItem(
                label=_("Home"),
                url_name="portal:home",
                capability="portal.access",
                icon="house",
                order=0,
            )
        )
