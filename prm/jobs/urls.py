"""The background jobs' pages in the admin UI, mounted at /admin/jobs/
(`tenant_admin_site.register_urls` in `apps.py`); names in the `admin` namespace."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.job_list, name="jobs"),
    # Digits only: /admin/jobs/job/ is the model admin's (its entry in the side menu).
    re_path(r"^(?P<pk>[0-9]+)/$", views.job_detail, name="job"),
    re_path(r"^(?P<pk>[0-9]+)/progress/$", views.job_progress, name="job_progress"),
    re_path(r"^(?P<pk>[0-9]+)/cancel/$", views.job_cancel_page, name="job_cancel"),
    re_path(r"^(?P<pk>[0-9]+)/result/$", views.job_result, name="job_result"),
]
