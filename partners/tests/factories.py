"""Factories for partner companies."""

import factory
from factory import SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from partners.models import OnboardingPlan, OnboardingStep, Partner
from prm.tenancy.tests.factories import TenantFactory


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    tenant = SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner Company {n}")
    website = factory.LazyAttribute(lambda p: f"https://p{p.name.split()[-1]}.example")
    status = Partner.Status.ACTIVE


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
