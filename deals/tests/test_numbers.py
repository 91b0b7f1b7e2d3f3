"""Registration numbers run per tenant: DR-000001 is each vendor's first registration, and
registrations made at the same moment, in one tenant or in two, never share or skip a number."""

import importlib
import threading

import pytest
from django.db import connection, transaction
from django.db.models import F
from django_scopes import scope, scopes_disabled

from deals import services
from deals.models import Deal, DealCounter, Product, number_in
from deals.tests.factories import DealFactory, ProductFactory, deal_input, registered
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import TenantFactory, partner_membership

migration = importlib.import_module("deals.migrations.0005_per_tenant_numbers")

PER_TENANT = 6


@pytest.mark.django_db
def test_each_vendors_first_registration_is_dr_000001():
    first, second = TenantFactory(slug="numbers-one"), TenantFactory(slug="numbers-two")
    made = {}
    for tenant in (first, second, first):
        with scope(tenant=tenant):
            rep = partner_membership(PartnerFactory(tenant=tenant), Role.PARTNER_REP)
            made.setdefault(tenant.slug, []).append(
                registered(rep, customer_name=f"Customer {rep.pk}", customer_website="")
            )
    assert [d.reference for d in made["numbers-one"]] == ["DR-000001", "DR-000002"]
    assert [d.reference for d in made["numbers-two"]] == ["DR-000001"]


@pytest.mark.django_db
def test_a_registration_rolled_back_gives_its_number_back(ours):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        before = registered(rep, submit=False, customer_name="Kept One").number
        try:
            with transaction.atomic():
                registered(rep, submit=False, customer_name="Thrown Away")
                raise RuntimeError
        except RuntimeError:
            pass
        after = registered(rep, submit=False, customer_name="Kept Two").number
    assert after == before + 1


@pytest.mark.django_db
def test_the_queue_and_the_portal_find_a_registration_by_its_reference(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        deal = registered(rep, customer_name="Referenced Ltd", customer_website="ref.example")
        registered(rep, customer_name="Other Company", customer_website="other.example")
    typed = f"dr-{deal.number}"  # lower case, without the zeros
    admin = host_client(ours.host, ours.members[Role.CAM]).get(
        "/admin/deals/deal/", {"q": typed, "status": "all"}
    )
    portal = host_client(ours.host, rep).get("/deals/", {"q": typed})
    for page in (admin.content.decode(), portal.content.decode()):
        assert "Referenced Ltd" in page
        assert "Other Company" not in page


@pytest.mark.django_db
def test_the_migration_numbers_existing_registrations_per_tenant_in_order(ours, theirs):
    """The data migration's SQL, run over registrations of two tenants: numbered by id within
    each tenant, and each tenant's counter continues after its last number."""
    with scopes_disabled():  # the test looks at both tenants at once, as the migration does
        for world in (ours, theirs):
            for i in range(3):
                DealFactory(partner=world.partner, customer_name=f"Old {i}")
        # As the migration found them: unnumbered (numbers out of the way of the new ones, as
        # the unique constraint is already in place here).
        Deal.objects.update(number=F("id") + 1_000_000)
        DealCounter.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(migration.NUMBER_EXISTING)
        for world in (ours, theirs):
            rows = Deal.objects.filter(tenant=world.tenant).order_by("id")
            numbers = list(rows.values_list("number", flat=True))
            assert numbers == list(range(1, len(numbers) + 1))
            assert DealCounter.objects.get(tenant=world.tenant).last_number == len(numbers)
        fresh = DealFactory(partner=ours.partner)
        assert fresh.number == Deal.objects.filter(tenant=ours.tenant).count()


def _register_all(jobs: list[tuple]) -> list[str]:
    """Register every (world, rep, customer) at once, each on its own thread and connection."""
    start = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def register(world, rep, customer) -> None:
        try:
            with scope(tenant=world.tenant):
                product = Product.objects.filter(tenant=world.tenant).first()
                start.wait(timeout=10)
                services.deal_save(
                    actor=rep,
                    data=deal_input([product], customer_name=customer, customer_website=""),
                    submit=True,
                )
            outcomes.append("registered")
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_in_two_tenants_get_consecutive_numbers_per_tenant(ours, theirs):
    worlds = (ours, theirs)
    last = {}
    for world in worlds:
        with scope(tenant=world.tenant):
            ProductFactory(tenant=world.tenant)
            counter = DealCounter.objects.filter(tenant=world.tenant).first()
            last[world.tenant.pk] = counter.last_number if counter else 0
    jobs = [
        (world, rep, f"Concurrent {world.tenant.slug} {i}")
        for i in range(PER_TENANT)
        for world in worlds
        for rep in [(world.members[Role.PARTNER_REP], world.other_partner_rep)[i % 2]]
    ]
    assert _register_all(jobs) == ["registered"] * len(jobs)
    for world in worlds:
        with scope(tenant=world.tenant):
            numbers = sorted(
                Deal.objects.filter(
                    tenant=world.tenant, customer_name__startswith="Concurrent"
                ).values_list("number", flat=True)
            )
        first = last[world.tenant.pk] + 1
        assert numbers == list(range(first, first + PER_TENANT)), world.tenant.slug


def test_a_reference_as_typed_gives_its_number_and_anything_else_none():
    assert number_in("DR-000042") == 42
    assert number_in(" dr 42 ") == 42
    for typed in ("DR-²", "DR-٣", "DR-", "DR-0", "DR-99999999999999999999", "42", "DR-4x"):
        assert number_in(typed) is None, typed


def test_the_competing_index_covers_exactly_the_statuses_that_compete():
    """The partial index behind "contested" must name the statuses the annotation reads."""
    from deals.selectors import COMPETING_STATUSES

    index = next(i for i in Deal._meta.indexes if i.name == "deal_competing_idx")
    statuses = dict(index.condition.children)["status__in"]
    assert sorted(statuses) == sorted(str(s) for s in COMPETING_STATUSES)
