"""Webhook endpoints of a tenant, the deliveries written for them (the outbox), and every attempt
to send one (the delivery log)."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class WebhookEndpoint(TenantOwned):
    """A URL of the vendor's that receives the events it subscribed to, signed with its secret.

    Only active endpoints get new deliveries. One failing for a day is disabled by the system
    (`disabled_by` None, with the reason); its pending deliveries wait until it is enabled again.
    `failing_since` is the first failure since the last success.
    """

    url = models.CharField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    #: names of `prm.notifications.events` this endpoint receives
    events = ArrayField(models.CharField(max_length=100), verbose_name=_("events"), default=list)
    #: `whsec_` + 32 random bytes (urlsafe base64); the HMAC key of the signatures
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.TextField(_("why disabled"), blank=True)
    disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disabled by"),
    )
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)

    objects: ClassVar[models.Manager["WebhookEndpoint"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "url"], name="webhooks_endpoint_url_once"),
        ]
        indexes = [
            # the outbox's one query per event: the tenant's active endpoints
            models.Index(
                fields=["tenant"],
                condition=models.Q(is_active=True),
                name="webhooks_endpoint_active",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TenantOwned):
    """One event for one endpoint: its body frozen when the event happened, sent until it is
    delivered (a 2xx) or until a day has passed (then failed for good).

    The primary key is the delivery id the receiver sees (`PRM-Delivery`, the body's `id`): the
    same on every attempt, so a receiver drops a duplicate. `next_attempt_at` is when it is due;
    a worker takes an attempt by moving it forward (a lease) in one conditional update, so two
    workers never send the same attempt.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=100)
    #: the compact JSON sent, exactly (a retry sends the same bytes)
    body = models.TextField()
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"))
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    objects: ClassVar[models.Manager["WebhookDelivery"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["tenant", "endpoint", "-created_at", "-id"], name="webhooks_delivery_log"
            ),
            models.Index(
                fields=["tenant", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhooks_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.id}"


class WebhookAttempt(TenantOwned):
    """One try at sending a delivery: what was sent and what came back (or why nothing did)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("at"))
    request_headers = models.JSONField(default=dict)
    request_body = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    #: the first 4 KB of the response's body
    response_body = models.TextField(blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    #: whether the attempt counts as a success (a 2xx)
    ok = models.BooleanField(default=False)

    objects: ClassVar[models.Manager["WebhookAttempt"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["tenant", "delivery", "-at"], name="webhooks_attempt_log")]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at}"
