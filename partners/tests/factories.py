"""Factories for partner companies and their business plans, and the program's settings."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from django_scopes import scope
from factory import SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from partners.models import (
    Application,
    BusinessPlan,
    OnboardingPlan,
    OnboardingStep,
    Partner,
    PartnerSettings,
    PlanGoal,
    PlanMilestone,
)
from partners.selectors import partner_settings_for
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import TenantFactory, partner_membership


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner Company {n}")
    website = factory.LazyAttribute(lambda p: f"https://p{p.name.split()[-1]}.example")
    status = Partner.Status.ACTIVE


class ApplicationFactory(DjangoModelFactory):
    """A pending application as it arrives (scoring and flags are left to the service)."""

    class Meta:
        model = Application

    tenant = SubFactory(TenantFactory)
    company_name = factory.Sequence(lambda n: f"Applicant Company {n}")
    contact_name = "Alex Applicant"
    contact_email = factory.Sequence(lambda n: f"alex{n}@applicant{n}.example")
    email_domain = factory.LazyAttribute(lambda a: a.contact_email.rsplit("@", 1)[1])
    country = "DE"
    region = Partner.Region.EMEA


class BusinessPlanFactory(DjangoModelFactory):
    """A plan with one goal (active users) and one open milestone owned by a user of the
    partner: a new rep, unless given as `parts__owner=membership`."""

    class Meta:
        model = BusinessPlan
        skip_postgeneration_save = True

    partner = SubFactory(PartnerFactory)
    tenant = SelfAttribute("partner.tenant")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    summary = "Grow in the mid-market."

    @factory.post_generation
    def parts(plan, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        PlanGoalFactory(plan=plan)
        PlanMilestoneFactory(plan=plan, **kwargs)


class PlanGoalFactory(DjangoModelFactory):
    class Meta:
        model = PlanGoal

    plan = SubFactory(BusinessPlanFactory)
    tenant = SelfAttribute("plan.tenant")
    metric = "partners.active_users"
    target = Decimal("5")


class PlanMilestoneFactory(DjangoModelFactory):
    class Meta:
        model = PlanMilestone

    plan = SubFactory(BusinessPlanFactory)
    tenant = SelfAttribute("plan.tenant")
    title = factory.Sequence(lambda n: f"Milestone {n}")
    owner = factory.LazyAttribute(lambda m: partner_membership(m.plan.partner, Role.PARTNER_REP))
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class OnboardingPlanFactory(DjangoModelFactory):
    class Meta:
        model = OnboardingPlan

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Onboarding plan {n}")
    stalled_after_days = 7


class OnboardingStepFactory(DjangoModelFactory):
    class Meta:
        model = OnboardingStep

    plan = SubFactory(OnboardingPlanFactory)
    tenant = SelfAttribute("plan.tenant")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Step {n}")
    kind = OnboardingStep.Kind.AUTOMATIC
    event = "partners.agreement.accepted"


def set_partner_settings(tenant: Tenant, **values: Any) -> PartnerSettings:
    """Change the tenant's partner-program settings, e.g. `require_agreement=True`."""
    with scope(tenant=tenant):
        found = partner_settings_for(tenant)
        for name, value in values.items():
            setattr(found, name, value)
        found.save()
    return found
