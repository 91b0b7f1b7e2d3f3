from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed webhooks from an outbox: endpoints per tenant, a delivery per subscribed endpoint
    written in the event's transaction, sent with retries by Celery (prm/webhooks/sending.py).
    The capability `integrations.manage` is prm.api's."""

    name = "prm.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from prm.celery import register_beat
        from prm.notifications.events import listen_all
        from prm.workspace.sites import tenant_admin_site
        from prm.workspace.todo import register_todo

        from . import events, notifications, phrases  # noqa: F401 - they register
        from .outbox import on_event
        from .todo import webhooks_todo

        listen_all(on_event)
        register_beat(
            "webhooks-sweep", task="prm.webhooks.tasks.webhook_sweep_all_task", schedule=60.0
        )
        tenant_admin_site.register_urls("integrations/webhooks/", "prm.webhooks.urls")
        tenant_admin_site.register_menu_page(
            "api", _("Webhooks"), "webhooks", "integrations.manage", position=20
        )
        register_todo(webhooks_todo, capability="integrations.manage", order=60)
