"""Reporting's rows: KPI threshold alerts (`alerts`), quarterly business reviews (`qbrs`) and
their bulk exports (`qbr_exports`)."""

from .alerts import Alert, AlertEvent, AlertRule
from .qbr_exports import QbrExportItem
from .qbrs import Qbr, QbrActionItem, QbrComment, QbrSnapshot

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRule",
    "Qbr",
    "QbrActionItem",
    "QbrComment",
    "QbrExportItem",
    "QbrSnapshot",
]
