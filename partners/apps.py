from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from prm.notifications.events import subscribe
        from prm.portal.home import register_card
        from prm.tenancy import demo

        from . import events, metrics, notifications  # noqa: F401 - they register themselves
        from .demo import seed_partners, seed_segments, seed_tiers
        from .home import tier_card
        from .services import partner_types_ensure_defaults

        demo.register_seeder(seed_partners, order=10)
        demo.register_seeder(seed_segments, order=20)
        demo.register_seeder(seed_tiers, order=30)
        register_card(tier_card)
        # Every new tenant starts with the default partner types.
        subscribe(
            "tenancy.tenant.created",
            lambda event: partner_types_ensure_defaults(tenant=event.tenant),
        )
