"""The matrix keeps up with the URLs: a new URL or model admin without a case fails here."""

from prm.tenancy.capabilities import CAPABILITIES
from prm.tenancy.decorators import PUBLIC, declared_capability
from prm.workspace.sites import TenantModelAdmin, tenant_admin_site

from .matrix import ADMIN_OBJECTS, all_cases
from .urls import walk


def test_every_tenant_url_declares_a_capability():
    undeclared = [
        str(pattern.pattern)
        for _name, pattern in walk()
        if not declared_capability(pattern.callback)
    ]
    assert undeclared == []


def test_declared_capabilities_exist():
    declared = {declared_capability(p.callback) for _n, p in walk()}
    assert declared - {PUBLIC} <= CAPABILITIES.keys()


def test_every_tenant_url_is_in_the_isolation_matrix():
    # The REST API's URLs have their own matrix, with keys instead of members (test_api.py).
    names = {name for name, _pattern in walk() if name and not name.startswith("api:")}
    unnamed = [str(p.pattern) for name, p in walk() if not name]
    in_matrix = {case.name for case in all_cases()}
    assert names - in_matrix == set(), "add these URLs to tests/isolation/matrix.py"
    assert in_matrix - names == set(), "the matrix names URLs that no longer exist"
    # Unnamed patterns are Django admin's object redirect (<id>/ -> <id>/change/), wrapped too.
    assert all(p.endswith("<path:object_id>/") for p in unnamed)


def test_every_model_admin_is_tenant_scoped_and_declares_capabilities():
    for model, model_admin in tenant_admin_site._registry.items():
        assert isinstance(model_admin, TenantModelAdmin), model
        assert model_admin.capabilities, model
        assert set(model_admin.capabilities.values()) <= CAPABILITIES.keys(), model
        assert model in ADMIN_OBJECTS, f"give {model.__name__} an object in ADMIN_OBJECTS"


def test_the_matrix_the_tests_run_is_the_whole_matrix():
    # The parametrized tests take their cases at collection time; if the admin registry were
    # still empty then, its URLs would silently go untested.
    from .test_matrix import CASES

    assert {c.name for c in CASES} == {c.name for c in all_cases()}
    assert any(c.name.startswith("admin:partners_partner_") for c in CASES)
