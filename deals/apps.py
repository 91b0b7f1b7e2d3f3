from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = _("Deal registration")

    def ready(self) -> None:
        from prm.notifications.events import subscribe
        from prm.portal import nav
        from prm.portal.home import register_card
        from prm.tenancy import demo

        from . import events, metrics, notifications  # noqa: F401 - they register themselves
        from .demo import seed_deals
        from .home import deals_card
        from .setup import deal_defaults_ensure

        demo.register_seeder(seed_deals, order=70)

        # Every new tenant starts with settings and the standard rejection reasons.
        subscribe("tenancy.tenant.created", lambda event: deal_defaults_ensure(tenant=event.tenant))
        register_card(deals_card)
        nav.register(
            nav.NavItem(
                label=_("Deals"),
                url_name="deals:list",
                capability="portal.deals",
                icon="briefcase",
                order=30,
            )
        )
