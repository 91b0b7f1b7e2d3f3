import pytest
from django_scopes import scope

from prm.tenancy.roles import Role


@pytest.fixture
def rep(ours):
    return ours.members[Role.PARTNER_REP]


@pytest.fixture
def ops(ours):
    return ours.members[Role.PARTNER_OPS]


@pytest.fixture
def in_ours(ours):
    with scope(tenant=ours.tenant):
        yield ours
