"""Management commands run inside the scope of the tenant named by --tenant."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from prm.tenancy.roles import Role


@pytest.mark.django_db
def test_list_members_shows_only_the_named_tenants_members(ours, theirs):
    out = StringIO()
    call_command("list_members", tenant=ours.tenant.slug, stdout=out)
    text = out.getvalue()
    assert ours.members[Role.PARTNER_REP].user.email in text
    assert theirs.members[Role.PARTNER_REP].user.email not in text


@pytest.mark.django_db
def test_an_unknown_tenant_is_a_clear_error():
    with pytest.raises(CommandError, match="No tenant with slug 'nope'"):
        call_command("list_members", tenant="nope")


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from prm.accounts.models import User
    from prm.tenancy.models import Membership, Tenant

    call_command("seed_demo", stdout=StringIO())
    counts = (Tenant.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Tenant.objects.count(), User.objects.count()) == counts
    acme = Tenant.objects.get(slug="acme")
    from django_scopes import scope

    with scope(tenant=acme):
        emails = set(Membership.objects.values_list("user__email", flat=True))
    assert {"leader@acme.test", "rep@northwind.test", "multi@partners.test"} <= emails
    assert "admin@initech.test" not in emails
