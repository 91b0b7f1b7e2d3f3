"""Every tenant-owned model refuses to query without a tenant scope."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django_scopes import ScopeError, scope

from prm.tenancy.models import TenantDomain

#: Models with a `tenant` field that are not tenant-owned data, each with the reason.
NOT_TENANT_OWNED = {
    # The host -> tenant lookup the middleware makes before a scope can exist; platform-owned.
    TenantDomain: "host lookup that selects the scope",
}

#: The only files allowed to switch scopes off, each use carrying a comment saying why.
SCOPES_DISABLED_ALLOWED = {
    "prm/tenancy/selectors.py",  # a user's own memberships across tenants ("my portals")
    # The benchmark loads and looks up its own tenants' rows before any request runs.
    "bench/generate.py",
    "bench/training.py",
    "bench/mdf.py",
    "bench/commissions.py",
    "bench/commissions_statements.py",
    "bench/reporting.py",
    "bench/run.py",
    "bench/quality.py",
    "bench/explain.py",
}


def tenant_models():
    return [
        m
        for m in apps.get_models()
        if any(f.name == "tenant" for f in m._meta.get_fields()) and m not in NOT_TENANT_OWNED
    ]


def test_there_are_tenant_models_to_check():
    names = {m.__name__ for m in tenant_models()}
    assert {"Membership", "Invitation", "Partner", "AuditEvent"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_raises_outside_a_scope(model):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model._default_manager.filter(pk=1).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_answers_inside_a_scope_with_only_that_tenants_rows(model, ours, theirs):
    with scope(tenant=ours.tenant):
        tenants = set(model.objects.values_list("tenant_id", flat=True).distinct())
    assert tenants <= {ours.tenant.pk}


def test_scopes_disabled_appears_only_in_allow_listed_files():
    root = Path(settings.BASE_DIR)
    pattern = re.compile(r"\b(scopes_disabled|with_scopes_disabled)\(")
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "node_modules/")) or "/tests/" in f"/{rel}":
            continue
        if pattern.search(path.read_text()) and rel not in SCOPES_DISABLED_ALLOWED:
            offenders.append(rel)
    assert offenders == []


def test_each_allowed_scopes_disabled_use_says_why():
    root = Path(settings.BASE_DIR)
    for rel in SCOPES_DISABLED_ALLOWED:
        lines = (root / rel).read_text().splitlines()
        for i, line in enumerate(lines):
            if re.search(r"\bscopes_disabled\(", line) and "import" not in line:
                assert lines[i - 1].strip().startswith("#"), f"{rel}:{i + 1} needs a why-comment"
