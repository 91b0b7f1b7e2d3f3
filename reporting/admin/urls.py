"""The reporting pages of the admin UI, mounted at /admin/reporting/ (names in `admin`)."""

from django.urls import URLPattern, path

from . import alerts, dashboards, qbr_export

urlpatterns: list[URLPattern] = [
    # A: the program and CAM dashboards, the list behind each figure, their CSV files
    path("program/", dashboards.program, name="reporting_program"),
    path("program.csv", dashboards.program_csv, name="reporting_program_csv"),
    path("cam/", dashboards.cam, name="reporting_cam"),
    path("cam.csv", dashboards.cam_csv, name="reporting_cam_csv"),
    path("metrics/<str:name>/", dashboards.metric_list, name="reporting_metric"),
    path("metrics/<str:name>.csv", dashboards.metric_csv, name="reporting_metric_csv"),
    # C: KPI threshold alerts -- an alert's confirm pages
    path("alerts/<int:pk>/acknowledge/", alerts.acknowledge, name="reporting_alert_acknowledge"),
    path("alerts/<int:pk>/snooze/", alerts.snooze, name="reporting_alert_snooze"),
    # E: quarterly business reviews -- the bulk export (a background job ending in a zip)
    path("qbrs/export/", qbr_export.qbr_export, name="reporting_qbr_export"),
]
