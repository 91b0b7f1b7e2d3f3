"""`manage.py seed_demo`: the demo tenants, their staff and every app's demo data. Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from prm.tenancy import demo
from prm.tenancy.models import Tenant, TenantDomain


class Command(BaseCommand):
    help = "Create or refresh the demo tenants, users and data (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            demo.ensure_user("operator@platform.test", "Pat Operator", is_staff=True)
            for spec in demo.DEMO_TENANTS:
                tenant = self._tenant(spec)
                with scope(tenant=tenant):
                    for email, name, role in spec.staff:
                        demo.ensure_membership(tenant, demo.ensure_user(email, name), role)
                    for seeder in demo.seeders():
                        seeder(tenant)
                self.stdout.write(f"  {spec.name}: http://{spec.host}:8000")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _tenant(self, spec: demo.DemoTenant) -> Tenant:
        tenant, created = Tenant.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "portal_title": spec.portal_title,
                "primary_colour": spec.primary,
                "accent_colour": spec.accent,
                "default_currency": spec.currency,
                "support_email": f"partners@{spec.slug}.test",
                "require_mfa_for_staff": False,
                "is_active": True,
            },
        )
        if created or not tenant.logo:
            initials = "".join(word[0] for word in spec.name.split()[:2]).upper()
            tenant.logo.save("logo.png", demo.logo_png(initials, spec.primary, spec.accent))
        TenantDomain.objects.update_or_create(
            host=spec.host, defaults={"tenant": tenant, "is_primary": True}
        )
        return tenant
