"""The operator's admin site, on the bare platform host."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(admin.AdminSite):
    """The operator's admin on the bare platform host: tenants, their domains, first leaders."""

    site_header = _("PRM platform")
    site_title = _("PRM platform")
    index_title = _("Tenants")
    site_url = None

    def has_permission(self, request: HttpRequest) -> bool:
        return (
            getattr(request, "tenant", "absent") is None
            and request.user.is_active
            and request.user.is_staff
        )


platform_admin_site = PlatformAdminSite(name="platform")
