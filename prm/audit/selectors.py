"""Reading the audit trail."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from prm.tenancy.models import Tenant

from .models import AuditEvent


def audit_events_for(*, tenant: Tenant, obj: models.Model, limit: int = 50) -> QuerySet[AuditEvent]:
    """The latest events about `obj`, newest first, for its history panel."""
    return AuditEvent.objects.filter(
        tenant=tenant,
        object_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
    ).select_related("actor")[:limit]
