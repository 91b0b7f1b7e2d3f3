"""Global users (email is the login) and the invitations that make them members of a tenant."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned
from prm.tenancy.roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Global across tenants: what they may do in a tenant is their Membership there.

    `is_staff` marks a platform operator (the operator's admin on the platform host), never vendor
    staff: vendor staff are members with a vendor role.
    """

    # Stored lower-cased (save() and the manager normalise); the Lower() constraint below also
    # holds for writes that bypass save().
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    #: the user an API key acts as (prm.api): it has no password, never signs in, and the
    #: audit trail names it by its key ("API key “CRM sync”") rather than its placeholder address
    is_service = models.BooleanField(_("API key"), default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class InvitationManager(models.Manager["Invitation"]):
    def get_queryset(self) -> InvitationQuerySet:
        return InvitationQuerySet(self.model, using=self._db)

    def pending(self) -> InvitationQuerySet:
        return self.get_queryset().pending()


class Invitation(TenantOwned):
    """An invitation to join a tenant in a role, delivered by email as a single-use link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("partner company"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The link carries a signed (invitation id, nonce); the nonce alone does not make a link.
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[InvitationManager] = ScopedManager(
        tenant="tenant", _manager_class=InvitationManager
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class SignInDay(TenantOwned):
    """A day on which a member signed in to the tenant: what portal engagement ("monthly active
    users") is counted from. One row per member and day, however often they sign in."""

    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="sign_in_days"
    )
    day = models.DateField()

    objects: ClassVar[models.Manager["SignInDay"]] = ScopedManager(tenant="tenant")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "day"], name="sign_in_day_once")
        ]
        indexes = [models.Index(fields=["tenant", "day"])]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.day}"
