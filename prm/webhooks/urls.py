"""The webhook pages of the admin UI, mounted at /admin/integrations/webhooks/
(`tenant_admin_site.register_urls` in `apps.py`); names in the `admin` namespace."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.endpoint_list, name="webhooks"),
    path("add/", views.endpoint_add, name="webhook_add"),
    re_path(r"^(?P<pk>[0-9]+)/$", views.endpoint_detail, name="webhook"),
    re_path(r"^(?P<pk>[0-9]+)/edit/$", views.endpoint_edit, name="webhook_edit"),
    re_path(r"^(?P<pk>[0-9]+)/rotate/$", views.endpoint_rotate, name="webhook_rotate"),
    re_path(r"^(?P<pk>[0-9]+)/disable/$", views.endpoint_disable, name="webhook_disable"),
    re_path(r"^(?P<pk>[0-9]+)/enable/$", views.endpoint_enable, name="webhook_enable"),
    re_path(r"^(?P<pk>[0-9]+)/test/$", views.endpoint_ping, name="webhook_ping"),
    # A delivery's id is a UUID; anything else of its characters answers 404 from the view.
    re_path(r"^deliveries/(?P<pk>[0-9a-fA-F-]{1,36})/$", views.delivery_detail,
            name="webhook_delivery"),
    re_path(r"^deliveries/(?P<pk>[0-9a-fA-F-]{1,36})/redeliver/$", views.delivery_redeliver,
            name="webhook_redeliver"),
]  # fmt: skip
