"""Writing audit events: each state-changing service calls `audit_record` in its transaction."""

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from prm.tenancy.models import Tenant

from .models import AuditEvent

if TYPE_CHECKING:  # the user model lives in prm.accounts, which imports this module
    from prm.accounts.models import User


def audit_record(
    *,
    tenant: Tenant,
    actor: "User | None",
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Append one audit event.

    `actor` is the user who acted, or None for the system (beat jobs, tasks). `action` is a dotted
    code such as `accounts.invitation.accepted`. `before`/`after` hold the fields that changed, as
    JSON-serialisable values. Call it inside the service's transaction so that the event exists
    exactly when the change does.
    """
    event = audit_event(
        tenant=tenant,
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        ip=ip,
    )
    event.save()
    return event


def audit_event(
    *,
    tenant: Tenant,
    actor: "User | None",
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """The audit event `audit_record` appends, unsaved: for writing many in one
    `AuditEvent.objects.bulk_create` (a sweep auditing thousands of alerts)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        tenant=tenant,
        actor=user,
        actor_label=(user.full_name if user.is_service else user.email) if user else "system",
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=ip,
    )
