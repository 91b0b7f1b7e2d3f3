"""Fixtures of the deals tests."""

import pytest
from django_scopes import scope

from deals.models import Deal, Lead, ProtectedAccount
from tests.worlds import delete_with_dependents


@pytest.fixture
def ours(ours):
    """The shared world without the registrations, leads and protected accounts it seeds for
    the isolation matrix, so that what a page lists and what a count finds is what the test
    made."""
    with scope(tenant=ours.tenant):
        Lead.objects.filter(tenant=ours.tenant).delete()
        delete_with_dependents(Deal.objects.filter(tenant=ours.tenant))
        ProtectedAccount.objects.filter(tenant=ours.tenant).delete()
    return ours


@pytest.fixture
def world(ours):
    """Our world, inside its tenant's scope."""
    with scope(tenant=ours.tenant):
        yield ours
