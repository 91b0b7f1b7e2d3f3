"""Disputes: a partner admin questions a ledger line; partner operations answer or correct it."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partner
from prm.tenancy.models import Membership, TenantOwned

from .ledger import Line


class Dispute(TenantOwned):
    """A question about one line, and its thread. Open until partner operations answer it; the
    partner may write again, which opens it again."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="disputes")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager["Dispute"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # One open question per line at a time: a second message joins its thread.
            models.UniqueConstraint(
                fields=["tenant", "line"],
                condition=models.Q(status="open"),
                name="dispute_one_open_per_line",
            )
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="dispute_status_idx")]

    def __str__(self) -> str:
        return _("Dispute about %(line)s") % {"line": self.line}


class DisputeMessage(TenantOwned):
    """One message of a dispute's thread; a vendor answer may come with the adjustment posted
    for it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_partner = models.BooleanField()
    body = models.TextField(_("message"), max_length=4000)
    adjustment = models.ForeignKey(
        Line, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["DisputeMessage"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")
        ordering = ["created_at", "id"]
