import pytest
from django_scopes import scope

from prm.tenancy.roles import Role
from tests import jobkinds


@pytest.fixture
def in_ours(ours):
    """Our world, its tenant's scope active."""
    with scope(tenant=ours.tenant):
        yield ours


@pytest.fixture
def ops(ours):
    return ours.members[Role.PARTNER_OPS]


@pytest.fixture
def on_item(monkeypatch):
    """`on_item(hook)`: call `hook(job, item)` after each item the tests' kind processes."""

    def set_hook(hook):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(jobkinds, "on_item", hook)

    return set_hook
