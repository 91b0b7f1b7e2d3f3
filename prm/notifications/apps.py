from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "prm.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from prm.tenancy import demo
        from prm.workspace.todo import register_todo

        from . import phrases  # noqa: F401 - it registers itself
        from .todo import unread_todo

        register_todo(unread_todo, capability="admin.access", order=900)

        from .demo import seed_notifications

        demo.register_seeder(seed_notifications, order=100)
