"""The reporting pages of the vendor admin UI: the dashboards, the list behind each figure, the
alert rules and alerts. Pages are listed in `reporting.admin.urls`; model admins register on
import here."""

# C: KPI threshold alerts (alert rules, alerts); E: business reviews and their action items
from . import alerts, qbrs  # noqa: F401 - register
