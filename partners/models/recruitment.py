"""Recruitment: the public "Become a partner" page's settings, the ideal partner profile, and
the applications it receives."""

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned

from .companies import Partner, PartnerType


class ApplicationField(models.TextChoices):
    """The optional questions of the "Become a partner" form; the tenant picks which to ask."""

    WEBSITE = "website", _("Website")
    PHONE = "phone", _("Phone")
    PARTNER_TYPE = "partner_type", _("Partner type sought")
    REGION = "region", _("Region")
    INDUSTRY = "industry", _("Industry")
    SIZE_BAND = "size_band", _("Company size")
    ANNUAL_REVENUE = "annual_revenue", _("Annual revenue")
    SALES_STAFF = "sales_staff", _("Number of sales staff")
    YEARS_IN_BUSINESS = "years_in_business", _("Years in business")
    ABOUT = "about", _("About the business")


class RecruitmentSettings(TenantOwned):
    """How a tenant's public "Become a partner" page behaves (one row per tenant)."""

    is_open = models.BooleanField(
        _("accept applications"),
        default=False,
        help_text=_("When off, the page says the program is not taking applications."),
    )
    intro = models.TextField(
        _("introduction"),
        max_length=2000,
        blank=True,
        help_text=_("Shown above the form: why join, what you look for. Plain text."),
    )
    asked_fields = ArrayField(
        models.CharField(max_length=30, choices=ApplicationField.choices),
        default=list,
        blank=True,
        verbose_name=_("optional questions asked"),
    )
    required_fields = ArrayField(
        models.CharField(max_length=30, choices=ApplicationField.choices),
        default=list,
        blank=True,
        verbose_name=_("of those, required"),
    )

    objects: ClassVar[models.Manager["RecruitmentSettings"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("recruitment settings")
        verbose_name_plural = _("recruitment settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="recruitmentsettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Recruitment settings"))

    def clean(self) -> None:
        extra = set(self.required_fields) - set(self.asked_fields)
        if extra:
            raise ValidationError(
                {
                    "required_fields": _("Ask a question before requiring it: %(fields)s.")
                    % {"fields": ", ".join(str(ApplicationField(f).label) for f in sorted(extra))}
                }
            )


class ProfileCriterion(TenantOwned):
    """One criterion of the tenant's ideal partner profile, scored on every application.

    A choice question is met when the answer is one of the accepted values; a number question
    when the answer reaches the minimum. A missing answer meets nothing. An unmet must-have
    fails the application whatever its score.
    """

    class Field(models.TextChoices):
        PARTNER_TYPE = "partner_type", _("Partner type sought")
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        INDUSTRY = "industry", _("Industry")
        SIZE_BAND = "size_band", _("Company size")
        ANNUAL_REVENUE = "annual_revenue", _("Annual revenue")
        SALES_STAFF = "sales_staff", _("Number of sales staff")
        YEARS_IN_BUSINESS = "years_in_business", _("Years in business")

    NUMERIC_FIELDS = frozenset({"annual_revenue", "sales_staff", "years_in_business"})

    field = models.CharField(_("question"), max_length=30, choices=Field.choices)
    partner_types = models.ManyToManyField(
        PartnerType, blank=True, related_name="+", verbose_name=_("accepted partner types")
    )
    countries = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        verbose_name=_("accepted countries"),
    )
    regions = ArrayField(
        models.CharField(max_length=10, choices=Partner.Region.choices),
        default=list,
        blank=True,
        verbose_name=_("accepted regions"),
    )
    industries = ArrayField(
        models.CharField(max_length=20, choices=Partner.Industry.choices),
        default=list,
        blank=True,
        verbose_name=_("accepted industries"),
    )
    size_bands = ArrayField(
        models.CharField(max_length=10, choices=Partner.Size.choices),
        default=list,
        blank=True,
        verbose_name=_("accepted sizes"),
    )
    minimum = models.DecimalField(
        _("at least"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For number questions; annual revenue is in the program's currency."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("1 to 100: its share of the score is its weight over the total weight."),
    )
    must_have = models.BooleanField(
        _("must-have"),
        default=False,
        help_text=_("An application that does not meet it fails, whatever its score."),
    )

    objects: ClassVar[models.Manager["ProfileCriterion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("ideal profile criterion")
        verbose_name_plural = _("ideal profile criteria")
        ordering = ["-must_have", "-weight", "pk"]

    def __str__(self) -> str:
        return str(self.get_field_display())

    @property
    def is_numeric(self) -> bool:
        return self.field in self.NUMERIC_FIELDS


class Application(TenantOwned):
    """An application to join the program, sent through the public "Become a partner" page.

    Scored against the ideal profile and flagged when it is submitted (again when ops re-score
    it); the score's breakdown is a snapshot, so a later profile change does not rewrite it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    company_name = models.CharField(_("company name"), max_length=200)
    contact_name = models.CharField(_("your name"), max_length=150)
    contact_email = models.EmailField(_("your business email"), max_length=254)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    partner_type = models.ForeignKey(
        PartnerType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner type sought"),
    )
    region = models.CharField(
        _("region"), max_length=10, choices=Partner.Region.choices, blank=True
    )
    industry = models.CharField(
        _("industry"), max_length=20, choices=Partner.Industry.choices, blank=True
    )
    size_band = models.CharField(
        _("company size"), max_length=10, choices=Partner.Size.choices, blank=True
    )
    annual_revenue = models.DecimalField(
        _("annual revenue"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    #: the program's currency when the applicant answered
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    sales_staff = models.PositiveIntegerField(
        _("number of sales staff"), null=True, blank=True, validators=[MaxValueValidator(1000000)]
    )
    years_in_business = models.PositiveSmallIntegerField(
        _("years in business"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    about = models.TextField(_("tell us about your business"), max_length=4000, blank=True)

    #: registrable domains of the website and of the email address (acme.co.uk)
    website_domain = models.CharField(max_length=253, blank=True, editable=False)
    email_domain = models.CharField(max_length=253, blank=True, editable=False)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    #: 0-100, or None when the tenant had no ideal profile to score against
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    must_have_failed = models.BooleanField(_("fails a must-have"), default=False)
    #: one entry per criterion: label, met, weight, points, answer, must_have
    breakdown = models.JSONField(default=list, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    is_free_mail = models.BooleanField(_("free-mail address"), default=False)
    matched_partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matches existing partner"),
    )

    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("partner created"),
    )

    objects: ClassVar[models.Manager["Application"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["tenant", "status", "-submitted_at"])]

    def __str__(self) -> str:
        return self.company_name
