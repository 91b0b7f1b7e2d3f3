"""The reporting pages of the admin UI, mounted at /admin/reporting/ (names in `admin`)."""

from django.urls import URLPattern, path

from . import alerts, dashboards, qbr_export, qbrs

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
    # E: quarterly business reviews -- preparing one, its editor and confirm pages, its PDF,
    # its action items
    path("qbrs/prepare/", qbrs.prepare, name="reporting_qbr_prepare"),
    path("qbrs/<int:pk>/", qbrs.editor, name="reporting_qbr"),
    path("qbrs/<int:pk>/refresh/", qbrs.refresh, name="reporting_qbr_refresh"),
    path("qbrs/<int:pk>/share/", qbrs.share, name="reporting_qbr_share"),
    path("qbrs/<int:pk>/finalise/", qbrs.finalise, name="reporting_qbr_finalise"),
    path("qbrs/<int:pk>/pdf/", qbrs.pdf, name="reporting_qbr_pdf"),
    path("qbrs/<int:pk>/comment/", qbrs.comment, name="reporting_qbr_comment"),
    path("qbrs/<int:pk>/actions/add/", qbrs.action_add, name="reporting_qbr_action_add"),
    path("qbrs/actions/<int:pk>/", qbrs.action, name="reporting_qbr_action"),
    path("qbrs/actions/<int:pk>/track/", qbrs.action_track, name="reporting_qbr_action_track"),
    path("qbrs/actions/<int:pk>/remove/", qbrs.action_remove, name="reporting_qbr_action_remove"),
    # E: quarterly business reviews -- the bulk export (a background job ending in a zip)
    path("qbrs/export/", qbr_export.qbr_export, name="reporting_qbr_export"),
]
