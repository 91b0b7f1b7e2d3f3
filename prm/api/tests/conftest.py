"""Fixtures of the API's tests."""

import pytest
from django_scopes import scope


@pytest.fixture
def ours(ours):
    """Our world, with the test running inside its tenant's scope (the API's requests open
    their own)."""
    with scope(tenant=ours.tenant):
        yield ours
