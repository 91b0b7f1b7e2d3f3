"""Joint business plans: one per partner and year, with goals on metrics and dated milestones."""

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.figures import format_number
from prm.metrics import registry
from prm.tenancy.models import TenantOwned

from .companies import Partner


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
            metric = registry.get(self.metric)
        except ValueError:  # a metric whose app was removed
            return f"{self.metric}: {format_number(self.target)}"
        # Without the tenant's currency (a query away): money reads as a plain number here.
        return f"{str(metric.label).capitalize()}: {metric.format(self.target, currency='')}"


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
