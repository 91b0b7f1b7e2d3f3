"""The reporting pages of the admin UI, mounted at /admin/reporting/ (names in `admin`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
