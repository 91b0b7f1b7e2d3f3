"""The audit trail: who changed what, when, from which state to which, and why."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.dates import format_day, format_moment
from prm.money import format_money
from prm.tenancy.models import TenantOwned

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class AuditEvent(TenantOwned):
    """One state change. Append-only: rows are written by services and never edited."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text so the record still says who it was after the user is deleted.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects: ClassVar[models.Manager["AuditEvent"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "object_type", "object_id", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field the event records."""
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]

    def shown_changes(self) -> list[tuple[str, object, object]]:
        """`changes()` as people read them: the record keeps machine values (an amount and its
        currency apart, ISO dates), the history panel shows them through the house formatter
        ("$125,000.00", "Mar 6, 2027")."""
        currency = self.after.get("currency") or self.before.get("currency")
        shown = []
        for field, old, new in self.changes():
            if field == "currency" and currency and _has_amount(self):
                continue  # shown with the amounts
            shown.append((field, _shown(field, old, currency), _shown(field, new, currency)))
        return shown


def _has_amount(event: AuditEvent) -> bool:
    return any(_is_amount(k) for k in [*event.before.keys(), *event.after.keys()])


def _is_amount(field: str) -> bool:
    return field == "amount" or field.endswith("_amount")


def _shown(field: str, value: object, currency: object) -> object:
    if value is None or not isinstance(value, str):
        return value
    if _is_amount(field) and isinstance(currency, str) and currency:
        try:
            return format_money(Decimal(value), currency)
        except InvalidOperation:
            return value
    try:
        if _ISO_MOMENT.match(value):
            return format_moment(datetime.fromisoformat(value))
        if _ISO_DAY.match(value):
            return format_day(date.fromisoformat(value))
    except ValueError:
        return value
    return value
