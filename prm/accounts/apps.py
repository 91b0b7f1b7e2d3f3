from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "prm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from prm.portal import nav
        from prm.portal.home import register_card

        from . import (  # noqa: F401 - they register themselves
            events,
            notifications,
            phrases,
            reminders,
        )
        from .home import team_card

        register_card(team_card, capability="portal.team.manage", order=900)

        nav.register(
            nav.NavItem(
                label=_("Team"),
                url_name="accounts:team",
                capability="portal.team.manage",
                icon="people",
                order=900,
            )
        )
