"""The Celery task base class that runs a task inside its tenant's scope."""

from typing import Any

from celery import Task
from django.utils import timezone, translation
from django_scopes import scope

from .models import Tenant


class TenantTask(Task):
    """Base for tasks on tenant data. Call them with `tenant_id=` as a keyword argument.

    The task body runs inside `scope(tenant=...)` with the tenant's language and time zone, exactly
    as a request on the tenant's host would; a task called without `tenant_id` fails loudly.
    """

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "tenant_id" not in kwargs:
            raise TypeError(f"{self.name} is a tenant task: pass tenant_id= as a keyword")
        tenant = Tenant.objects.get(pk=kwargs["tenant_id"])
        with (
            scope(tenant=tenant),
            translation.override(tenant.language),
            timezone.override(tenant.time_zone),
        ):
            return super().__call__(*args, **kwargs)
