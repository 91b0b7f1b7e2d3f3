"""URLs of a tenant host: the partner portal at /, the vendor admin UI at /admin/.

Every view declares its capability; tests/isolation fails a pattern that does not.
"""

from django.urls import include, path

from prm.portal.mounts import mounted
from prm.workspace.sites import tenant_admin_site

urlpatterns = [
    path("admin/", tenant_admin_site.urls),
    path("accounts/", include("prm.accounts.urls_auth")),
    path("notifications/", include("prm.notifications.urls")),
    path("", include("prm.accounts.urls")),
    path("", include("prm.portal.urls")),
    # Each app's pages, mounted from its AppConfig.ready().
    *mounted(),
]

# Django's own page_not_found renders templates/404.html with the request's context (branded);
# an error renders templates/500.html through the portal's handler, branded but database-free.
handler500 = "prm.portal.views.server_error"
