"""Which jobs a member sees: their tenant's, of the kinds whose capability they hold."""

from django.db.models import QuerySet

from prm.tenancy.models import Membership

from .models import Job
from .registry import kinds_for


def jobs_visible_to(membership: Membership) -> QuerySet[Job]:
    """The jobs `membership` may see, open, cancel and download, newest first.

    Vendor staff only, and only the kinds whose capability they hold: a job of another kind
    answers 404 like a missing one (its existence is not revealed).
    """
    if not membership.is_vendor_staff:
        return Job.objects.none()
    return (
        Job.objects.filter(tenant_id=membership.tenant_id, kind__in=kinds_for(membership))
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
