"""Changing a tenant's own settings (branding, locale, security policy)."""

from typing import Any

from django.db import transaction

from prm.audit.services import audit_record
from prm.tenancy.models import Tenant


def tenant_settings_update(
    *, actor: Any, tenant: Tenant, changes: dict[str, Any], ip: str | None = None
) -> Tenant:
    """Apply validated `changes` (field -> value) to the tenant's settings and audit them.

    Fields must already be validated (the settings form does: colours as hex, the logo checked
    and re-encoded). Only fields whose value differs are written and recorded.
    """
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field, value in changes.items():
            old = getattr(tenant, field)
            if field == "logo":
                if value is None or value is False:
                    continue
                before[field], after[field] = bool(old), True
                tenant.logo.save("logo.png", value, save=False)
                continue
            if old != value:
                before[field], after[field] = old, value
                setattr(tenant, field, value)
        if not after:
            return tenant
        tenant.save()
        audit_record(
            tenant=tenant,
            actor=actor,
            action="tenancy.settings.changed",
            obj=tenant,
            before={k: str(v) for k, v in before.items()},
            after={k: str(v) for k, v in after.items()},
            ip=ip,
        )
    return tenant
