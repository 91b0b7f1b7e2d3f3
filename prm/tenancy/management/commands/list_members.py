"""`manage.py list_members --tenant acme`: who is in a tenant, in which role, active or not."""

from typing import Any

from prm.tenancy.commands import TenantCommand
from prm.tenancy.models import Membership, Tenant


class Command(TenantCommand):
    help = "List the memberships of one tenant (email, role, partner company, active)."

    def handle_tenant(self, tenant: Tenant, *args: Any, **options: Any) -> None:
        memberships = (
            Membership.objects.filter(tenant=tenant)
            .select_related("user", "partner")
            .order_by("role", "user__email")
        )
        for m in memberships:
            state = "active" if m.is_active else "deactivated"
            company = m.partner.name if m.partner else "-"
            self.stdout.write(f"{m.user.email}\t{m.role}\t{company}\t{state}")
