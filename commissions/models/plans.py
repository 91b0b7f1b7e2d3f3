"""Commission plans: one per tenant, changed only by publishing a new, effective-dated version.

A version says what a won deal earns: a rate (percent) or fixed amount by partner type, points
added by tier, per-product overrides, multipliers by deal type, an optional cap per deal and an
optional accelerator (a higher rate on what a partner wins above a quota in the statement
period). A published version is never edited: a deal is paid by the version in force on the day
it was won (`commissions.engine`), so changing a plan is publishing a version from a date.

Fixed amounts, caps and quotas are in the version's currency (the tenant's default when it was
made). A deal in another currency earns its percent rate in its own currency; a cap or a quota
in the version's currency does not apply to it (nothing is ever converted), and a fixed amount
is paid in the version's currency.
"""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from deals.models import Product
from partners.models import PartnerType, Tier
from prm.tenancy.models import CURRENCIES, TenantOwned

from .common import money, percent

_RATE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
_MULTIPLIER = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(10))]


class Plan(TenantOwned):
    """The tenant's commission plan: its name and its versions."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager["Plan"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="plan_one_per_tenant")]

    def __str__(self) -> str:
        return self.name


class PlanVersion(TenantOwned):
    """One version of the plan: a draft until published, then in force from `effective_from`
    until the next published version's date, and never edited again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    effective_from = models.DateField(
        _("in force from"), help_text=_("Deals won on or after this day are paid by this version.")
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCIES,
        help_text=_("Of fixed amounts, caps and quotas."),
    )
    default_rate = percent(
        _("rate for other partner types (%)"),
        default=Decimal(0),
        validators=_RATE,
        help_text=_("What a partner whose type has no rate of its own earns."),
    )
    multiplier_new = models.DecimalField(
        _("new business ×"), max_digits=5, decimal_places=3, default=1, validators=_MULTIPLIER
    )
    multiplier_upsell = models.DecimalField(
        _("upsell ×"), max_digits=5, decimal_places=3, default=1, validators=_MULTIPLIER
    )
    multiplier_renewal = models.DecimalField(
        _("renewal ×"), max_digits=5, decimal_places=3, default=1, validators=_MULTIPLIER
    )
    cap_per_deal = money(
        _("cap per deal"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The most one deal earns, in the version's currency. Empty: no cap."),
    )
    note = models.TextField(
        _("what changed"), max_length=2000, blank=True, help_text=_("Partners see it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager["PlanVersion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-effective_from", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
            # One version in force per day: two published versions never share a start.
            models.UniqueConstraint(
                fields=["plan", "effective_from"],
                condition=models.Q(status="published"),
                name="planversion_one_published_per_day",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    multiplier_new__gte=0, multiplier_upsell__gte=0, multiplier_renewal__gte=0
                ),
                name="planversion_multipliers_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "effective_from"], name="planversion_force_idx"
            )
        ]

    def __str__(self) -> str:
        return _("%(plan)s, version %(number)s") % {"plan": self.plan, "number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def multiplier_for(self, deal_type: str) -> Decimal:
        """The multiplier of a deal type ("new", "upsell", "renewal")."""
        return Decimal(
            {
                "upsell": self.multiplier_upsell,
                "renewal": self.multiplier_renewal,
            }.get(deal_type, self.multiplier_new)
        )


class TypeRate(TenantOwned):
    """What a partner of one type earns on a deal: a percent of the final amount or a fixed
    amount per deal, and optionally a higher percent on what it wins above a quota in the
    statement period (the accelerator)."""

    class Method(models.TextChoices):
        PERCENT = "percent", _("Percent of the final amount")
        FIXED = "fixed", _("Fixed amount per deal")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="type_rates")
    partner_type = models.ForeignKey(PartnerType, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(
        _("pays"), max_length=10, choices=Method.choices, default=Method.PERCENT
    )
    rate = percent(_("rate (%)"), default=Decimal(0), validators=_RATE)
    fixed_amount = money(_("fixed amount"), null=True, blank=True)
    quota = money(
        _("quota per period"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Won amounts above it in a statement period earn the accelerated rate."),
    )
    accelerated_rate = percent(_("accelerated rate (%)"), null=True, blank=True, validators=_RATE)

    objects: ClassVar[models.Manager["TypeRate"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("rate by partner type")
        verbose_name_plural = _("rates by partner type")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "partner_type"], name="typerate_one_per_type"
            ),
            models.CheckConstraint(
                condition=~models.Q(method="fixed") | models.Q(fixed_amount__isnull=False),
                name="typerate_fixed_has_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(quota__isnull=True, accelerated_rate__isnull=True)
                | models.Q(quota__isnull=False, accelerated_rate__isnull=False),
                name="typerate_accelerator_complete",
            ),
        ]

    def __str__(self) -> str:
        return str(self.partner_type)


class TierUplift(TenantOwned):
    """Percentage points a tier adds to a percent rate ("Gold +5 points")."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="tier_uplifts")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    points = percent(
        _("points added"),
        validators=[MinValueValidator(Decimal(-100)), MaxValueValidator(Decimal(100))],
    )

    objects: ClassVar[models.Manager["TierUplift"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("tier uplift")
        verbose_name_plural = _("tier uplifts")
        constraints = [
            models.UniqueConstraint(fields=["version", "tier"], name="tieruplift_one_per_tier")
        ]

    def __str__(self) -> str:
        return str(self.tier)


class ProductOverride(TenantOwned):
    """A rate for deals of one product, in place of the partner type's (the tier's points are
    still added). A deal of several overridden products takes the highest of their rates."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="product_overrides"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    rate = percent(_("rate (%)"), validators=_RATE)

    objects: ClassVar[models.Manager["ProductOverride"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("product override")
        verbose_name_plural = _("product overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "product"], name="productoverride_one_per_product"
            )
        ]

    def __str__(self) -> str:
        return str(self.product)
