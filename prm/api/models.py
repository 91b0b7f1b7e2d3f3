"""API keys and the answers kept for idempotent retries."""

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import Membership, TenantOwned


class ApiKey(TenantOwned):
    """A key a CRM (or any program) calls the API with.

    The key is `prm_<public_id>_<secret>`: `public_id` finds the row, the secret is kept only as
    its SHA-256. The secret is 32 random bytes, so a fast hash is enough (a slow password hash
    protects guessable secrets; nobody guesses 256 bits). The key acts through its own
    `membership` (role "API key"), so services audit and check it like any actor.
    """

    name = models.CharField(_("name"), max_length=100)
    public_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    #: resource name -> "read" or "write" (prm.api.registry)
    scopes = models.JSONField(_("scopes"), default=dict)
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="api_key", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: requests a minute; the next one in the minute answers 429
    rate_limit = models.PositiveIntegerField(_("requests per minute"), default=600)
    # The rate window and last use, moved by one UPDATE per request (prm.api.authentication).
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    window_start = models.DateTimeField(null=True, editable=False)
    window_hits = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[models.Manager["ApiKey"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """What a user sees of the key after it was shown once: `prm_<public_id>_…`."""
        return f"prm_{self.public_id}_…"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def state(self) -> str:
        """ "active", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def state_label(self) -> str:
        return str(
            {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked")}[self.state]
        )

    def level(self, resource: str) -> str | None:
        """ "read", "write" or None: what the key may do with `resource`."""
        value = self.scopes.get(resource)
        return value if value in ("read", "write") else None


class IdempotentRequest(TenantOwned):
    """A POST made with an `Idempotency-Key`, and the answer it got, kept for a day.

    A retry with the same key and the same request gets the same answer without running again;
    the same key with another request is refused. The row is written in the request's
    transaction before the work, so a concurrent retry waits on it (prm.api.idempotency).
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects: ClassVar[models.Manager["IdempotentRequest"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "api_key", "key"], name="api_idempotency_once"
            ),
        ]
