"""Events of the tenancy app."""

from prm.notifications.events import declare

TENANT_CREATED = declare(
    "tenancy.tenant.created",
    "The platform operator created a tenant (apps set up its defaults).",
)
