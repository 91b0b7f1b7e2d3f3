"""The completion report's pages in the admin UI, mounted under /admin/training/reports/
(`tenant_admin_site.register_urls`; names in the `admin` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.completion_report, name="training_report"),
    path("completion.csv", views.completion_csv, name="training_report_csv"),
    path("courses/<int:pk>/", views.course_report, name="training_report_course"),
    path("courses/<int:pk>/partners.csv", views.course_csv, name="training_report_course_csv"),
]
