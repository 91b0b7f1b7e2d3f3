from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "prm.api"
    label = "api"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from prm.celery import register_beat
        from prm.portal.mounts import mount
        from prm.tenancy.capabilities import register_capabilities
        from prm.tenancy.roles import Role

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
        # Answers kept for idempotent retries live a day.
        register_beat(
            "api-idempotency-forget",
            task="prm.api.tasks.idempotency_forget_all_task",
            schedule=3600.0,
        )
