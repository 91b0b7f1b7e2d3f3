"""Registering a first deal ticks the onboarding step "The partner registered a deal"."""

import pytest
from django_scopes import scope

from deals.tests.factories import registered
from partners.models import OnboardingStep, StepCompletion
from prm.tenancy.roles import Role


@pytest.mark.django_db
def test_submitting_a_registration_ticks_the_partners_onboarding_step(ours):
    with scope(tenant=ours.tenant):
        step = OnboardingStep.objects.create(
            tenant=ours.tenant,
            plan=ours.onboarding_plan,
            position=3,
            title="Register a first deal",
            event="deals.deal.registered",
        )
        assert not StepCompletion.objects.filter(step=step).exists()
        registered(ours.members[Role.PARTNER_REP], customer_name="First Customer Ltd")
        done = StepCompletion.objects.get(step=step)
        assert done.onboarding == ours.onboarding
        # Partner B's registration ticks nothing more on partner A's plan.
        registered(ours.other_partner_rep, customer_name="Other Customer Ltd")
        assert StepCompletion.objects.filter(step=step).count() == 1
