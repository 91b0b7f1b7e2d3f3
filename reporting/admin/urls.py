"""The reporting pages of the admin UI, mounted at /admin/reporting/ (names join `admin`)."""

from django.urls import URLPattern, path

urlpatterns: list[URLPattern] = []

# C: KPI threshold alerts -- an alert's confirm pages
from . import alerts  # noqa: E402

urlpatterns += [
    path("alerts/<int:pk>/acknowledge/", alerts.acknowledge, name="reporting_alert_acknowledge"),
    path("alerts/<int:pk>/snooze/", alerts.snooze, name="reporting_alert_snooze"),
]
