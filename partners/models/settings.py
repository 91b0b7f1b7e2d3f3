"""A tenant's partner-program settings: the rules of tiers and agreements, one row per tenant."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class PartnerSettings(TenantOwned):
    """A tenant's rules for its partner program (one row per tenant, made on first use by
    `partners.selectors.partner_settings_for`)."""

    tier_demotion_grace_days = models.PositiveSmallIntegerField(
        _("tier demotion grace period (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "How long a partner may stay below its tier's requirements before a "
            "demotion is proposed."
        ),
    )
    require_agreement = models.BooleanField(
        _("require an accepted partner agreement"),
        default=False,
        help_text=_(
            "Partners must accept the current agreement before registering deals and "
            "requesting market development funds."
        ),
    )

    survey_interval_days = models.PositiveSmallIntegerField(
        _("ask each partner user at most once every (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "PSAT surveys: a partner user asked within this many days is not asked again "
            "(1-365), whatever triggers a survey."
        ),
    )

    objects: ClassVar[models.Manager["PartnerSettings"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("partner program settings")
        verbose_name_plural = _("partner program settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="partnersettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Partner program settings"))


class RulesOfEngagement(TenantOwned):
    """The vendor's rules of engagement as partners read them in the portal (one row per tenant,
    made on first use by `partners.selectors.rules_of_engagement_for`): who gets a customer when
    two partners register it, what a registration must hold, how long protection lasts. Plain
    text; blank lines separate paragraphs, which the portal keeps."""

    body = models.TextField(
        _("rules of engagement"),
        max_length=20000,
        blank=True,
        help_text=_(
            "What partners read on the portal's Rules of engagement page, linked from the "
            "registration form, the partner agreement and every page's footer. Plain text: "
            "leave a blank line between paragraphs."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects: ClassVar[models.Manager["RulesOfEngagement"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("rules of engagement")
        verbose_name_plural = _("rules of engagement")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="rulesofengagement_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Rules of engagement"))
