"""Absolute links to a tenant's host, for emails and for the "my other portals" page."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.urls import get_urlconf, set_urlconf

from .models import Tenant


def tenant_url(tenant: Tenant, path: str = "/") -> str:
    """`path` on the tenant's primary host, e.g. http://acme.localhost:8000/invitations/..."""
    domain = tenant.primary_domain
    if domain is None:
        raise ValueError(f"Tenant {tenant.slug} has no primary domain")
    return settings.TENANT_URL_TEMPLATE.format(host=domain.host).rstrip("/") + path


@contextmanager
def tenant_urlconf() -> Iterator[None]:
    """Reverse tenant-host URLs, also while serving the platform host (the operator's admin)."""
    previous = get_urlconf()
    set_urlconf(settings.ROOT_URLCONF)
    try:
        yield
    finally:
        set_urlconf(previous)
