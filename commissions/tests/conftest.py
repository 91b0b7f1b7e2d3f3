import pytest
from django_scopes import scope

from prm.tenancy.roles import Role


@pytest.fixture
def in_ours(ours):
    """Partner A's world, its tenant's scope active (for tests that query models directly)."""
    with scope(tenant=ours.tenant):
        yield ours


@pytest.fixture
def rep(ours):
    return ours.members[Role.PARTNER_REP]


@pytest.fixture
def cam(ours):
    return ours.members[Role.CAM]


@pytest.fixture
def ops(ours):
    return ours.members[Role.PARTNER_OPS]
