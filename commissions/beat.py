"""Beat jobs of commissions (B: statements): the day after a statement period ends, its
statements are drafted for partner operations to review.

Beat runs the sweep every hour; each tenant is closed on its own day (its time zone): the day
after its period ends, with `GRACE_DAYS` more for a beat that was down. `statements_draft_due`
calls `period_close` directly, inside the tenant's task (not through the background jobs of
the admin UI: nobody watches its progress; the task is the run). It is idempotent: the close
drafts a statement once per partner and period and adds only lines approved since, so running
it again changes nothing new; a tenant without a published plan is skipped quietly.
"""

from prm.exchange.services import tenant_today
from prm.tenancy.models import Tenant

from .models import PlanVersion
from .services.statements import last_ended_period, period_close
from .setup import commission_settings

#: days after the first day after a period during which beat still drafts its statements
GRACE_DAYS = 2


def statements_draft_due(*, tenant: Tenant) -> int:
    """Draft (or refresh) the statements of the tenant's last ended period; how many were
    drafted. Nothing for a tenant without a published commission plan."""
    published = PlanVersion.objects.filter(tenant_id=tenant.pk, status=PlanVersion.Status.PUBLISHED)
    if not published.exists():
        return 0
    today = tenant_today(tenant)
    period = last_ended_period(commission_settings(tenant), today)
    if (today - period.end).days > 1 + GRACE_DAYS:
        return 0
    return period_close(actor=None, tenant=tenant, period=period).drafted
