"""Fixtures of the reporting tests."""

import pytest
from django_scopes import scope

from deals.models import Deal
from tests.worlds import delete_with_dependents


@pytest.fixture
def ours(ours):
    """The shared world without the registrations it seeds for the isolation matrix, so that
    what a figure counts is what the test made."""
    with scope(tenant=ours.tenant):
        delete_with_dependents(Deal.objects.filter(tenant=ours.tenant))
    return ours


@pytest.fixture
def world(ours):
    """Our world, inside its tenant's scope."""
    with scope(tenant=ours.tenant):
        yield ours
