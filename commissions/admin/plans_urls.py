"""Part A's pages in the admin UI (the plan and its versions, the preview, recalculation, the
settings), mounted at /admin/commissions/plan/ (`tenant_admin_site.register_urls` in
`commissions/admin/__init__.py`); names in the `admin` namespace."""

from django.urls import path

from . import plans, recalc, settings

urlpatterns = [
    path("", plans.plan_page, name="commissions_plan"),
    path("versions/new/", plans.version_new, name="commissions_version_new"),
    path("versions/<path:pk>/edit/", plans.version_edit, name="commissions_version_edit"),
    path("versions/<path:pk>/publish/", plans.version_publish, name="commissions_version_publish"),
    path("versions/<path:pk>/delete/", plans.version_delete, name="commissions_version_delete"),
    path("versions/<path:pk>/", plans.version_page, name="commissions_version"),
    path("preview/", plans.preview, name="commissions_preview"),
    path("recalculate/", recalc.recalc_page, name="commissions_recalc"),
    path("settings/", settings.settings_page, name="commissions_settings"),
]
