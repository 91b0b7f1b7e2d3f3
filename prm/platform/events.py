"""Events of the platform: what the operator does to tenants."""

from prm.notifications.events import declare

TENANT_CREATED = declare(
    "platform.tenant.created",
    "The platform operator created a tenant (apps set up its defaults).",
)
