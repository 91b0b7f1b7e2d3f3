"""The demo's onboarding stories tell one date per fact: a step done on day 5 of the plan reads
day 5 in the checklist, in the partner's history and in the audit log."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from partners.models import Partner, PartnerOnboarding, StepCompletion
from prm.audit.selectors import audit_events_for
from prm.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


def test_a_completed_demo_onboarding_is_dated_the_same_in_the_checklist_and_the_history():
    call_command("seed_demo", stdout=StringIO())
    acme = Tenant.objects.get(slug="acme")
    now = timezone.now()
    with scope(tenant=acme):
        partner = Partner.objects.get(name="Adventure Works")  # joined 30 days ago, done in 9
        onboarding = PartnerOnboarding.objects.get(partner=partner)
        completions = list(StepCompletion.objects.filter(onboarding=onboarding))
        events = [
            *audit_events_for(tenant=acme, obj=partner),
            *audit_events_for(tenant=acme, obj=onboarding),
        ]
    late = [(e.action, e.created_at) for e in events if now - e.created_at < timedelta(days=20)]
    assert timedelta(days=29) < now - onboarding.started_at < timedelta(days=31)
    assert timedelta(days=20) < now - onboarding.completed_at < timedelta(days=22)
    assert partner.joined_on == timezone.localdate(onboarding.completed_at)
    for completion in completions:
        assert onboarding.started_at < completion.completed_at <= onboarding.completed_at
    # Nothing in the partner's history happened at the minute the demo was seeded.
    assert events
    assert late == []
