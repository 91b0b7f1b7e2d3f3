from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from prm.tenancy import demo

        from .demo import seed_partners

        demo.register_seeder(seed_partners, order=10)
