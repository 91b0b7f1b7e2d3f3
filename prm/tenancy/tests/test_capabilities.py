"""Apps register their capabilities with the core; the registry refuses what would be a mistake."""

import pytest

from prm.tenancy import capabilities
from prm.tenancy.capabilities import register_capabilities, role_has
from prm.tenancy.roles import Role


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry that the test may change."""
    monkeypatch.setattr(capabilities, "CAPABILITIES", dict(capabilities.CAPABILITIES))
    monkeypatch.setattr(capabilities, "ROLE_CAPABILITIES", dict(capabilities.ROLE_CAPABILITIES))


def test_an_apps_capabilities_reach_the_roles_it_names(registry):
    register_capabilities({"things.count": "Count things."}, roles={Role.CAM: ["things.count"]})
    assert role_has(Role.CAM, "things.count")
    assert not role_has(Role.PARTNER_ADMIN, "things.count")
    assert role_has(Role.CAM, "admin.access")  # what the role held before stays


def test_a_capability_cannot_be_registered_twice(registry):
    with pytest.raises(ValueError, match="twice"):
        register_capabilities({"admin.access": "Again."}, roles={})


def test_a_role_cannot_be_given_an_unknown_capability(registry):
    with pytest.raises(ValueError, match="unknown capabilities"):
        register_capabilities({}, roles={Role.CAM: ["nobody.registered.this"]})
    with pytest.raises(ValueError, match="unknown role"):
        register_capabilities({}, roles={"janitor": ["admin.access"]})


def test_the_apps_registered_theirs_when_django_started():
    # The core names none of them; partners and deals did it in their AppConfig.ready().
    assert role_has(Role.CAM, "deals.approve")
    assert role_has(Role.PARTNER_ADMIN, "portal.agreement.accept")
    assert not role_has(Role.PARTNER_REP, "portal.deals.company")
