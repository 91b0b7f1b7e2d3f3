"""Partner companies and their types: the members of a vendor's program, in their lifecycle."""

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from prm.api import sync
from prm.normalize import registered_domain
from prm.tenancy.models import TenantOwned
from prm.uploads.private import private_storage


class PartnerType(TenantOwned):
    """A kind of partner in one tenant's program (reseller, referral, SI, ...)."""

    name = models.CharField(_("name"), max_length=80)

    objects: ClassVar[models.Manager["PartnerType"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="partnertype_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


def partner_logo_path(instance: "Partner", filename: str) -> str:
    """A new name for every logo (the old file stays until replaced), under the tenant, in the
    private storage: served only by the views that check who asks (`partners.views.company`)."""
    return f"partners/{instance.tenant_id}/{instance.pk}/logo-{uuid.uuid4().hex[:12]}.png"


class Partner(TenantOwned):
    """A partner company in one tenant's program."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        OFFBOARDED = "offboarded", _("Offboarded")

    class Region(models.TextChoices):
        NORTH_AMERICA = "na", _("North America")
        LATIN_AMERICA = "latam", _("Latin America")
        EMEA = "emea", _("Europe, Middle East and Africa")
        APAC = "apac", _("Asia Pacific")

    class Industry(models.TextChoices):
        SOFTWARE = "software", _("Software and IT services")
        FINANCE = "finance", _("Financial services")
        HEALTHCARE = "healthcare", _("Healthcare")
        MANUFACTURING = "manufacturing", _("Manufacturing")
        PUBLIC = "public", _("Public sector")
        RETAIL = "retail", _("Retail")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        MICRO = "1-10", _("1 to 10 employees")
        SMALL = "11-50", _("11 to 50 employees")
        MEDIUM = "51-200", _("51 to 200 employees")
        LARGE = "201-1000", _("201 to 1,000 employees")
        ENTERPRISE = "1000+", _("More than 1,000 employees")

    name = models.CharField(_("name"), max_length=200)
    partner_type = models.ForeignKey(
        PartnerType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("type"),
    )
    website = models.URLField(_("website"), blank=True)
    #: registrable domain of the website (acme.co.uk), kept in step by save()
    domain = models.CharField(_("domain"), max_length=253, blank=True, editable=False)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    size_band = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ONBOARDING
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    tier = models.ForeignKey(
        "Tier", on_delete=models.SET_NULL, null=True, blank=True, related_name="partners"
    )
    #: first evaluation that found the partner below its tier's requirements (demotion grace)
    below_tier_since = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    #: kept by a database trigger on every write (prm.api.sync): what the API's sync pages follow
    updated_at = sync.updated_at_field()
    #: the company's id in the vendor's CRM, so a CRM sync finds its own records (unique in the
    #: tenant when set; None when not linked)
    crm_id = models.CharField(
        _("CRM id"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("The company's id in your CRM, for integrations that sync by it."),
    )
    # The company's own profile, which its partner admins keep up to date in the portal.
    #: set only by `partner_profile_update`, which stores the upload checked and re-encoded
    logo = models.ImageField(
        _("logo"),
        upload_to=partner_logo_path,
        storage=private_storage,
        blank=True,
        editable=False,
    )
    description = models.TextField(
        _("about the company"),
        max_length=2000,
        blank=True,
        help_text=_("What the company does and for whom, in a few sentences."),
    )
    address = models.TextField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_("Street, postal code and city, one per line."),
    )

    objects: ClassVar[models.Manager["Partner"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        # Per-object only (a CAM's assignment): never granted model-wide.
        permissions = [("manage_partner", "Manage this partner company (assigned CAM)")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="partner_name_unique_in_tenant"
            ),
            models.UniqueConstraint(
                fields=["tenant", "crm_id"],
                condition=models.Q(crm_id__isnull=False),
                name="partner_crm_id_unique_in_tenant",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "domain"]),
            # The API's sync pages: (updated_at, id) > cursor, within the tenant.
            models.Index(fields=["tenant", "updated_at", "id"], name="partner_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    #: the statuses in which the company's users have no access to the tenant
    ACCESS_ENDED_STATUSES = frozenset({Status.INACTIVE, Status.OFFBOARDED})

    @property
    def access_ended(self) -> bool:
        """Whether the company is deactivated or offboarded: its users' memberships in the
        tenant are suspended (`prm.accounts.company_access`, which reads this property)."""
        return self.status in self.ACCESS_ENDED_STATUSES

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.domain = registered_domain(self.website)
        if kwargs.get("update_fields") is not None and "website" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "domain"}
        super().save(*args, **kwargs)
