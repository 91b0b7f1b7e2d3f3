"""Tenants, the hosts they answer on, the scoped base of every tenant-owned row, and memberships."""

import zoneinfo
from typing import Any, ClassVar, cast

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.uniques import validate_constraints

from .capabilities import role_has
from .roles import PARTNER_ROLES, VENDOR_ROLES, Role
from .validators import validate_hex_colour, validate_single_line

CURRENCIES = [
    ("EUR", "EUR"),
    ("USD", "USD"),
    ("GBP", "GBP"),
    ("CHF", "CHF"),
    ("JPY", "JPY"),
    ("AUD", "AUD"),
    ("CAD", "CAD"),
    ("SEK", "SEK"),
]
TIME_ZONES = sorted((tz, tz) for tz in zoneinfo.available_timezones())


def tenant_logo_path(instance: "Tenant", filename: str) -> str:
    return f"tenants/{instance.slug}/logo.png"


class Tenant(models.Model):
    """A vendor running a partner program. Not tenant-owned: it is the tenant."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    portal_title = models.CharField(_("portal title"), max_length=120)
    logo = models.ImageField(_("logo"), upload_to=tenant_logo_path, blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f6feb", validators=[validate_hex_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#0e9f6e", validators=[validate_hex_colour]
    )
    support_email = models.EmailField(
        _("support email"),
        blank=True,
        help_text=_("Shown in the portal and emails; replies to the program's emails go here."),
    )
    email_sender_name = models.CharField(
        _("email sender name"),
        max_length=80,
        blank=True,
        validators=[validate_single_line],
        help_text=_(
            "Who the program's emails are from, e.g. “Acme Cloud Partner Team”. Empty: "
            "the program's name followed by “via” and the platform's name."
        ),
    )
    # Set by the platform operator only, once the domain lets the platform send for it (SPF,
    # DKIM): a vendor could otherwise make the platform send as anybody.
    email_sender_address = models.EmailField(
        _("email sender address"),
        blank=True,
        help_text=_(
            "Only once the domain's SPF and DKIM records authorise the platform to send "
            "for it. Empty: the platform's own address."
        ),
    )
    default_currency = models.CharField(
        _("default currency"), max_length=3, choices=CURRENCIES, default="EUR"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONES, default="UTC")
    fiscal_year_start = models.PositiveSmallIntegerField(
        _("fiscal year starts in"),
        choices=sorted(MONTHS.items()),
        default=1,
        help_text=_("The month the program's fiscal year begins: quarters and years follow it."),
    )
    invitation_reminder_days = models.PositiveSmallIntegerField(
        _("remind invitees after (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("An invitation not accepted after this many days is sent once more."),
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("daily digest hour"),
        default=8,
        validators=[MaxValueValidator(23)],
        help_text=_("Local hour (0-23, in the program's time zone) when daily digests go out."),
    )
    sla_target_percent = models.PositiveSmallIntegerField(
        _("decision SLA target (%)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "The share of deal-registration decisions that should be made within their SLA "
            "(1-100): the dashboards' SLA gauge reads against it."
        ),
    )
    require_mfa_for_staff = models.BooleanField(
        _("require two-factor authentication for vendor staff"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: the events an active webhook endpoint of the tenant subscribes to, kept by the webhooks'
    #: services (prm.webhooks.subscriptions): emitting any other event costs no query, and the
    #: tenant is read with every request and task anyway
    webhook_events = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def primary_domain(self) -> "TenantDomain | None":
        # The middleware leaves it here when the request came in on it; else iterating .all()
        # uses a prefetch when the caller made one.
        known = self.__dict__.get(PRIMARY_DOMAIN_KEY)
        if known is not None:
            return known
        return next((d for d in self.domains.all() if d.is_primary), None)


#: where `Tenant.primary_domain` finds the domain the request came in on, when it is the primary
PRIMARY_DOMAIN_KEY = "_primary_domain"


class TenantSettings(Tenant):
    """The tenant as its own staff see it in the admin UI: the program's settings page."""

    class Meta:
        proxy = True
        verbose_name = _("program settings")
        verbose_name_plural = _("program settings")


class TenantDomain(models.Model):
    """A host a tenant answers on. Platform-owned: the middleware reads it to find the scope."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    host = models.CharField(
        _("host"),
        max_length=253,
        help_text=_("Host name without scheme or port, e.g. acme.localhost or partners.acme.com."),
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("tenant domain")
        verbose_name_plural = _("tenant domains")
        constraints = [
            models.UniqueConstraint(Lower("host"), name="tenantdomain_host_unique"),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="tenantdomain_one_primary_per_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.host

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.host = self.host.strip().lower()
        super().save(*args, **kwargs)


class TenantOwned(models.Model):
    """Base of every tenant-owned model: the `tenant` key and a manager that needs a scope.

    Querying `objects` outside `django_scopes.scope(tenant=...)` raises `ScopeError` instead of
    returning every tenant's rows. Views and selectors still filter on the tenant explicitly.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", editable=False)

    objects: ClassVar[models.Manager[Any]] = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Any = None) -> None:
        # Unique constraints name `tenant`, which no form shows: check them with it, each
        # error beside its field (prm.uniques).
        validate_constraints(self, exclude)


class Membership(TenantOwned):
    """What a (global) user is in one tenant: a role, and for partner users their company."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("partner company"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    #: inactive because the partner company's access ended; restored when it resumes
    #: (prm.accounts.company_access)
    suspended_with_partner = models.BooleanField(default=False, editable=False)

    objects: ClassVar[models.Manager["Membership"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_tenant"),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(PARTNER_ROLES), partner__isnull=False)
                    | models.Q(
                        role__in=sorted(VENDOR_ROLES | {Role.INTEGRATION}), partner__isnull=True
                    )
                ),
                name="membership_partner_iff_partner_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_vendor_staff(self) -> bool:
        return self.role in VENDOR_ROLES

    @property
    def is_partner_user(self) -> bool:
        return self.role in PARTNER_ROLES

    def can(self, capability: str) -> bool:
        return self.is_active and role_has(self.role, capability)


def partner_model() -> type[TenantOwned]:
    """The partner company model memberships point to.

    It belongs to the `partners` app, which sits above `prm.*`: core code reaches it through the
    relation instead of importing it.
    """
    return cast(type[TenantOwned], Membership._meta.get_field("partner").related_model)
