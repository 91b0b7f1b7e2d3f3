"""Reporting's rows: KPI threshold alerts (`alerts`) and quarterly business reviews (`qbrs`)."""

from .alerts import Alert, AlertEvent, AlertRule
from .qbrs import Qbr, QbrActionItem, QbrComment, QbrSnapshot

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRule",
    "Qbr",
    "QbrActionItem",
    "QbrComment",
    "QbrSnapshot",
]
