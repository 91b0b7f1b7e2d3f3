"""The exchange-rates pages of the admin UI, mounted at /admin/exchange-rates/
(`tenant_admin_site.register_urls` in apps.py; names in the `admin` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.rates_page, name="exchange_rates"),
    path("add/", views.rate_add, name="exchange_rate_add"),
    path("<int:pk>/delete/", views.rate_delete_page, name="exchange_rate_delete"),
    path("import/", views.rates_import_page, name="exchange_rates_import"),
    path("import/template/", views.rates_import_template, name="exchange_rates_import_template"),
]
