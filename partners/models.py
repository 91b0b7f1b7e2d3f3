"""Partner companies: the members of a vendor's program that partner users belong to."""

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from prm.metrics import registry
from prm.normalize import registered_domain
from prm.tenancy.models import TenantOwned


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

    objects: ClassVar[models.Manager["Partner"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        # Per-object only (a CAM's assignment): never granted model-wide.
        permissions = [("manage_partner", "Manage this partner company (assigned CAM)")]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="partner_name_unique_in_tenant")
        ]
        indexes = [models.Index(fields=["tenant", "domain"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.domain = registered_domain(self.website)
        if kwargs.get("update_fields") is not None and "website" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "domain"}
        super().save(*args, **kwargs)


class Segment(TenantOwned):
    """A named group of partners by type, region, industry and size; apps target content,
    courses and forms at segments. An empty criterion accepts every partner."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    partner_types = models.ManyToManyField(
        PartnerType, blank=True, related_name="segments", verbose_name=_("partner types")
    )
    regions = ArrayField(
        models.CharField(max_length=10, choices=Partner.Region.choices),
        default=list,
        blank=True,
        verbose_name=_("regions"),
    )
    industries = ArrayField(
        models.CharField(max_length=20, choices=Partner.Industry.choices),
        default=list,
        blank=True,
        verbose_name=_("industries"),
    )
    size_bands = ArrayField(
        models.CharField(max_length=10, choices=Partner.Size.choices),
        default=list,
        blank=True,
        verbose_name=_("sizes"),
    )

    objects: ClassVar[models.Manager["Segment"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="segment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Tier(TenantOwned):
    """A level of the program. Requirements name metrics; benefits are read by later apps."""

    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("Higher is better: 1 for the entry tier, then 2, 3, ...")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    commission_rate = models.DecimalField(
        _("commission rate (%)"), max_digits=5, decimal_places=2, default=0
    )
    mdf_allowance = models.DecimalField(
        _("MDF allowance per year"), max_digits=14, decimal_places=2, default=0
    )
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)

    objects: ClassVar[models.Manager["Tier"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rank"], name="tier_unique_rank"),
            models.UniqueConstraint(fields=["tenant", "name"], name="tier_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TierRequirement(TenantOwned):
    """To be in a tier, a partner's metric (over the last 12 months) must reach the threshold."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    metric = models.CharField(_("metric"), max_length=100)
    threshold = models.DecimalField(_("at least"), max_digits=14, decimal_places=2)

    objects: ClassVar[models.Manager["TierRequirement"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["tier", "metric"], name="tierrequirement_unique_metric")
        ]

    def __str__(self) -> str:
        return f"{self.metric} ≥ {self.threshold}"


class TierProposal(TenantOwned):
    """The nightly evaluation's suggestion to move a partner to another tier."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        WITHDRAWN = "withdrawn", _("No longer applies")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tier_proposals")
    from_tier = models.ForeignKey(
        Tier, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="+")
    is_promotion = models.BooleanField(_("promotion"))
    #: the metric values the proposal was based on, as text
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects: ClassVar[models.Manager["TierProposal"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(status="pending"),
                name="tierproposal_one_pending_per_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_tier or '—'} → {self.to_tier}"


class AgreementVersion(TenantOwned):
    """One published version of the tenant's partner agreement (sanitized HTML, never edited)."""

    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects: ClassVar[models.Manager["AgreementVersion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="agreement_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class AgreementAcceptance(TenantOwned):
    """A partner company accepted one version: who, when, from which address."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="acceptances")
    agreement = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_by_label = models.CharField(_("accepted by"), max_length=254)
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects: ClassVar[models.Manager["AgreementAcceptance"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "agreement"], name="acceptance_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} accepted {self.agreement}"


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


class BusinessPlan(TenantOwned):
    """The joint business plan of one partner for one calendar year, agreed between the
    partner company and its channel account managers: goals on metrics and dated milestones."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="business_plans")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    summary = models.TextField(
        _("strategy"),
        blank=True,
        help_text=_("The plan in a few lines: target markets, offers, where to focus."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects: ClassVar[models.Manager["BusinessPlan"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        ordering = ["-year", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner", "year"], name="businessplan_one_per_partner_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.year}"


class PlanGoal(TenantOwned):
    """A goal of a business plan: a metric of the registry to reach by the end of the year."""

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="goals")
    metric = models.CharField(_("metric"), max_length=100)
    target = models.DecimalField(
        _("target"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects: ClassVar[models.Manager["PlanGoal"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="plangoal_one_per_metric")
        ]

    def __str__(self) -> str:
        try:
            label = str(registry.get(self.metric).label).capitalize()
        except ValueError:  # a metric whose app was removed
            label = self.metric
        return f"{label}: {Decimal(self.target).normalize():f}"


class PlanMilestone(TenantOwned):
    """A dated step of a business plan with one owner: a user of the partner company or one of
    its channel account managers. Overdue once its due date has passed and it is not done."""

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    # RESTRICT: memberships are deactivated, not deleted; a tenant's deletion still cascades.
    owner = models.ForeignKey(
        "tenancy.Membership", on_delete=models.RESTRICT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["PlanMilestone"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["tenant", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today


class OnboardingPlan(TenantOwned):
    """The ordered checklist a partner works through while onboarding: one per partner type,
    and at most one default plan (no type) for partners whose type has no plan of its own."""

    name = models.CharField(_("name"), max_length=120)
    partner_type = models.ForeignKey(
        PartnerType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="onboarding_plans",
        verbose_name=_("partner type"),
        help_text=_("Leave empty for the default plan of partners whose type has no plan."),
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to partners above the checklist.")
    )
    stalled_after_days = models.PositiveSmallIntegerField(
        _("stalled after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "When no step was completed for this many days, the partner's admins and CAMs are "
            "reminded of the next step."
        ),
    )

    objects: ClassVar[models.Manager["OnboardingPlan"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner_type"],
                condition=models.Q(partner_type__isnull=False),
                name="onboardingplan_one_per_type",
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(partner_type__isnull=True),
                name="onboardingplan_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OnboardingStep(TenantOwned):
    """One step of a plan: it ticks itself when its event happens, or a CAM ticks it."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        MANUAL = "manual", _("Manual")

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=150)
    description = models.CharField(
        _("what the partner does"), max_length=500, blank=True, help_text=_("Shown to partners.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.AUTOMATIC,
        help_text=_(
            "Automatic steps tick themselves when their event happens; CAMs tick manual ones."
        ),
    )
    #: the event that ticks an automatic step (empty for manual steps)
    event = models.CharField(_("event"), max_length=100, blank=True)

    objects: ClassVar[models.Manager["OnboardingStep"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="automatic") & ~models.Q(event=""))
                | (models.Q(kind="manual") & models.Q(event="")),
                name="onboardingstep_event_iff_automatic",
                violation_error_message=_(
                    "An automatic step needs an event; a manual one has none."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_manual(self) -> bool:
        return self.kind == self.Kind.MANUAL


class PartnerOnboarding(TenantOwned):
    """A partner's way through its plan: when it started and, once every step is done, when it
    completed (the time to complete onboarding)."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="onboarding", verbose_name=_("partner")
    )
    # Protected: a plan partners followed keeps their history; edit it instead of deleting it.
    plan = models.ForeignKey(
        OnboardingPlan, on_delete=models.PROTECT, related_name="onboardings", verbose_name=_("plan")
    )
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects: ClassVar[models.Manager["PartnerOnboarding"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner onboarding")
        verbose_name_plural = _("partner onboardings")
        ordering = ["-started_at", "pk"]

    def __str__(self) -> str:
        return str(_("Onboarding of %(partner)s") % {"partner": self.partner})

    @property
    def days_to_complete(self) -> int | None:
        if self.completed_at is None:
            return None
        return (self.completed_at - self.started_at).days


class StepCompletion(TenantOwned):
    """A step a partner completed: when, and by which event or which member."""

    onboarding = models.ForeignKey(
        PartnerOnboarding, on_delete=models.CASCADE, related_name="completions"
    )
    step = models.ForeignKey(OnboardingStep, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed"))
    #: the event that ticked the step; empty when a member ticked it
    event = models.CharField(_("event"), max_length=100, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_by_label = models.CharField(_("ticked by"), max_length=254, blank=True)

    objects: ClassVar[models.Manager["StepCompletion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("completed step")
        verbose_name_plural = _("completed steps")
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "step"], name="stepcompletion_once_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.completed_at:%Y-%m-%d})"
