"""The API keys' pages in the admin UI, mounted at /admin/integrations/ (`apps.py`); names in the
`admin` namespace."""

from django.urls import path, re_path

from . import admin_views

urlpatterns = [
    path("keys/", admin_views.key_list, name="api_keys"),
    path("keys/new/", admin_views.key_create, name="api_key_create"),
    re_path(r"^keys/(?P<pk>[0-9]+)/$", admin_views.key_detail, name="api_key"),
    re_path(r"^keys/(?P<pk>[0-9]+)/revoke/$", admin_views.key_revoke, name="api_key_revoke"),
]
