import pytest
from django_scopes import scope

from prm.tenancy.roles import Role


@pytest.fixture
def in_ours(ours):
    """Our world, its tenant's scope active (for tests that query models directly)."""
    with scope(tenant=ours.tenant):
        yield ours


@pytest.fixture
def ops(ours):
    return ours.members[Role.PARTNER_OPS]
