"""The background jobs' pages in the admin UI, mounted at /admin/jobs/
(`tenant_admin_site.register_urls` in `apps.py`); names in the `admin` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("<str:pk>/", views.job_detail, name="job"),
    path("<str:pk>/progress/", views.job_progress, name="job_progress"),
    path("<str:pk>/cancel/", views.job_cancel_page, name="job_cancel"),
    path("<str:pk>/result/", views.job_result, name="job_result"),
]
