"""Which jobs a member sees: their tenant's, of the kinds whose capability they hold."""

from django.db.models import Q, QuerySet

from prm.tenancy.models import Membership

from .models import Job
from .registry import kinds_for, kinds_seen_whole


def jobs_visible_to(membership: Membership) -> QuerySet[Job]:
    """The jobs `membership` may see, open, cancel and download, newest first.

    Vendor staff only, and only the kinds whose capability they hold: a job of another kind
    answers 404 like a missing one (its existence is not revealed). Of a kind that shows its
    jobs whole only to some (`JobKind.see_all`), the others see the jobs they started.
    """
    if not membership.is_vendor_staff:
        return Job.objects.none()
    kinds = kinds_for(membership)
    whole = kinds_seen_whole(membership)
    own = [name for name in kinds if name not in whole]
    seen = Q(kind__in=whole)
    if own:
        seen |= Q(kind__in=own, created_by_id=membership.user_id)
    return (
        Job.objects.filter(seen, tenant_id=membership.tenant_id)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
