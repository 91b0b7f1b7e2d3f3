"""The shared worlds stay whole: what one test writes, the next test does not see.

pytest-django runs the tests that roll back first and those with real commits after them, and
pytest runs a module's tests in file order within each group; `xdist_group` keeps them on one
worker. So the order here is: rollback writer, rollback checker, committing writer, checker.
"""

import dataclasses

import pytest
from django.db.models import Model
from django.forms.models import model_to_dict
from django_scopes import scope, scopes_disabled

from deals.models import Deal
from partners.models import Partner
from prm.tenancy.models import Membership, Tenant

pytestmark = pytest.mark.xdist_group("worlds")

#: how many times the store had built the worlds when the committing writer ran
_seen: dict[str, int] = {}


def instances(world) -> list[Model]:
    """Every model instance the world hands to tests."""
    found: list[Model] = []
    for f in dataclasses.fields(world):
        value = getattr(world, f.name)
        values = value.values() if isinstance(value, dict) else [value]
        found += [v for v in values if isinstance(v, Model)]
    return found


def assert_whole(world) -> None:
    """Every instance of the world is in the database as built, and nothing was added."""
    # scopes_disabled: the check reads both worlds' rows by primary key, whatever the tenant.
    with scopes_disabled():
        for obj in instances(world):
            stored = type(obj)._base_manager.get(pk=obj.pk)
            assert model_to_dict(stored) == model_to_dict(obj), obj
        assert Tenant.objects.filter(slug__in=["ours", "theirs"]).count() == 2
    with scope(tenant=world.tenant):
        assert Partner.objects.filter(tenant=world.tenant).count() == 2
        # 7 people and the memberships of the world's three API keys
        assert Membership.objects.filter(tenant=world.tenant).count() == 10
        assert Deal.objects.filter(tenant=world.tenant).count() == 5


def vandalise(world) -> None:
    """Change the world's rows and instances the way a careless test might."""
    with scope(tenant=world.tenant):
        world.partner.name = "Renamed by a test"
        world.partner.save()
        # every deal that no ledger line or award holds (those are protected, as in production)
        Deal.objects.filter(tenant=world.tenant, status__in=["submitted", "approved"]).delete()
        Partner.objects.create(tenant=world.tenant, name="Added by a test")
        world.tenant.name = "Renamed tenant"
        world.tenant.save()


@pytest.mark.django_db
def test_a_test_that_rolls_back_may_change_the_world(ours):
    vandalise(ours)
    assert ours.partner.name == "Renamed by a test"


@pytest.mark.django_db
def test_the_world_is_whole_after_a_test_that_rolled_back(ours, theirs):
    assert_whole(ours)
    assert_whole(theirs)
    assert ours.partner.name == "ours partner A"  # the instance is a fresh copy too


@pytest.mark.django_db(transaction=True)
def test_a_test_with_real_commits_may_change_the_world(ours, world_store):
    _seen["builds"] = world_store.builds
    vandalise(ours)
    with scope(tenant=ours.tenant):
        assert Partner.objects.filter(name="Added by a test").exists()


@pytest.mark.django_db(transaction=True)
def test_the_world_is_whole_after_a_test_with_real_commits(ours, theirs, world_store):
    assert world_store.builds == _seen["builds"] + 1  # rebuilt after the flush, and kept
    assert_whole(ours)
    assert_whole(theirs)
    assert ours.partner.name == "ours partner A"


def test_the_order_above_is_the_order_pytest_runs(request):
    # Guards the premise of this module: the committing writer runs before its checker.
    names = [item.name for item in request.session.items if item.module is request.module]
    writer = names.index("test_a_test_with_real_commits_may_change_the_world")
    assert names.index("test_the_world_is_whole_after_a_test_with_real_commits") == writer + 1
    assert names.index("test_a_test_that_rolls_back_may_change_the_world") < names.index(
        "test_the_world_is_whole_after_a_test_that_rolled_back"
    )
