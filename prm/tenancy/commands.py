"""Management commands that work on one tenant's data take `--tenant slug` through this base."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from .models import Tenant


class TenantCommand(BaseCommand):
    """Resolve `--tenant` and run `handle_tenant` inside that tenant's scope."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tenant", required=True, help="slug of the tenant to work on")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options.pop("tenant")
        try:
            tenant = Tenant.objects.get(slug=slug)
        except Tenant.DoesNotExist as exc:
            raise CommandError(f"No tenant with slug {slug!r}") from exc
        with scope(tenant=tenant):
            self.handle_tenant(tenant, *args, **options)

    def handle_tenant(self, tenant: Tenant, *args: Any, **options: Any) -> None:
        raise NotImplementedError
