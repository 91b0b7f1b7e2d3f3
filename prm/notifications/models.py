"""In-portal notifications, the email outbox, preferences, tenant rule settings, reminder log."""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class Notification(TenantOwned):
    """One message in a member's notification center."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=100)
    rule = models.CharField(max_length=100)
    category = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    #: what the person who acted wrote to the recipient (a CAM's note on a decision), shown
    #: apart from the rule's text and signed with their name; empty when they wrote nothing
    message = models.TextField(blank=True)
    message_by = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=500, blank=True)
    #: what the event was about (a registration, a lead...), so that once the recipient has
    #: dealt with it the notification can be marked read (`services.notifications_read_for`)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["Notification"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "recipient", "-created_at"]),
            models.Index(
                fields=["tenant", "recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["tenant", "recipient", "subject_type", "subject_id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailOutbox(TenantOwned):
    """An email to send, written in the transaction that decided to send it.

    A task delivers each row at most once: it locks the row, sends, and marks it sent in one
    transaction; a periodic sweep retries rows whose delivery was never enqueued or failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        HELD = "held", _("Held for the daily digest")
        SENT = "sent", _("Sent")
        DIGESTED = "digested", _("Sent in a digest")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_email = models.EmailField(_("to"))
    #: notification category, or empty for transactional mail (invitations), which always goes
    category = models.CharField(_("category"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects: ClassVar[models.Manager["EmailOutbox"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["tenant", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due_idx",
            ),
            models.Index(
                fields=["tenant", "recipient"],
                condition=models.Q(status="held"),
                name="outbox_held_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email me at once")
    DIGEST = "digest", _("One email a day (digest)")
    PORTAL = "portal", _("Only in the portal, no email")


class NotificationPreference(TenantOwned):
    """How one member wants one category delivered in one tenant (default: at once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    objects: ClassVar[models.Manager["NotificationPreference"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "category"], name="notificationpreference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.category}: {self.delivery}"


class RuleSetting(TenantOwned):
    """A tenant's switch and texts for one code-defined notification rule (blank = default)."""

    rule = models.CharField(_("rule"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)

    objects: ClassVar[models.Manager["RuleSetting"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        ordering = ["rule"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rule"], name="rulesetting_unique")
        ]

    def __str__(self) -> str:
        return self.rule


class DigestLog(TenantOwned):
    """One row per member per tenant per day a digest went out: never two on one day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    objects: ClassVar[models.Manager["DigestLog"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "day"], name="digestlog_unique")
        ]


class ReminderLog(TenantOwned):
    """A reminder step that fired for a subject: each fires once per subject per step."""

    reminder = models.CharField(max_length=100)
    step = models.PositiveSmallIntegerField()
    subject_id = models.CharField(max_length=64)
    fired_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[models.Manager["ReminderLog"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reminder", "step", "subject_id"], name="reminderlog_unique"
            )
        ]
