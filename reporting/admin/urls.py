"""The reporting pages of the admin UI, mounted at /admin/reporting/ (names join `admin`)."""

from django.urls import URLPattern, path

from . import dashboards

urlpatterns: list[URLPattern] = [
    # A: the program and CAM dashboards, the list behind each figure, their CSV files
    path("program/", dashboards.program, name="reporting_program"),
    path("program.csv", dashboards.program_csv, name="reporting_program_csv"),
    path("cam/", dashboards.cam, name="reporting_cam"),
    path("cam.csv", dashboards.cam_csv, name="reporting_cam_csv"),
    path("metrics/<str:name>/", dashboards.metric_list, name="reporting_metric"),
    path("metrics/<str:name>.csv", dashboards.metric_csv, name="reporting_metric_csv"),
    # B: (the scorecard lives in the portal)
    # C: alert rules and alerts
]
