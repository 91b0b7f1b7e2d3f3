from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "prm.api"
    label = "api"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from prm.celery import register_beat
        from prm.portal.mounts import mount
        from prm.tenancy import demo
        from prm.tenancy.capabilities import register_capabilities
        from prm.tenancy.roles import Role
        from prm.workspace.sites import tenant_admin_site
        from prm.workspace.todo import register_todo

        from . import phrases  # noqa: F401 - it registers
        from .demo import seed_api_key
        from .todo import api_keys_todo

        register_capabilities(
            {
                "integrations.manage": (
                    "Create and revoke API keys, and manage webhook endpoints and deliveries."
                ),
                "api.access": "Call the REST API (an API key's membership; its scopes narrow it).",
            },
            roles={Role.PROGRAM_LEADER: ["integrations.manage"], Role.INTEGRATION: ["api.access"]},
        )
        mount("api/v1/", "prm.api.urls")
        tenant_admin_site.register_urls("integrations/", "prm.api.admin_urls")
        tenant_admin_site.register_menu_page(
            "api", _("API keys"), "api_keys", "integrations.manage", position=10
        )
        register_todo(api_keys_todo, capability="integrations.manage", order=61)
        demo.register_seeder(seed_api_key, order=300)  # after every app registered its resources
        # Answers kept for idempotent retries live a day.
        register_beat(
            "api-idempotency-forget",
            task="prm.api.tasks.idempotency_forget_all_task",
            schedule=3600.0,
        )
