"""Fixtures of the deals tests."""

import pytest
from django_scopes import scope

from deals.models import Deal, Lead


@pytest.fixture
def world(ours):
    """Our tenant's world inside its scope, without the registrations and leads the shared
    world seeds for the isolation matrix, so that counts start from zero."""
    with scope(tenant=ours.tenant):
        Lead.objects.filter(tenant=ours.tenant).delete()
        Deal.objects.filter(tenant=ours.tenant).delete()
        yield ours
