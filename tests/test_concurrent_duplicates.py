"""Every create form with a unique constraint, sent with the same values by two people at the
same moment, on two real database connections: one succeeds, the other gets the form back with
the message beside the field, and exactly one row exists.

Each request runs in its own thread with its own connection. A barrier in front of the INSERT
into the constrained table holds the first request there until the second one has arrived too:
both have passed every check made before saving, neither has written. The database then lets
one INSERT through and makes the other wait for its commit and fail on the constraint; the test
counts that failure, so the race is proven to be decided inside the database, not before it.
(Forms whose rows are serialised by a lock before the check, such as a plan's goals under the
plan's row lock, cannot race this way and are not listed.)
"""

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from deals.models import Product, ProtectedAccount, RejectReason
from partners.models import (
    Application,
    BusinessPlan,
    OnboardingPlan,
    Partner,
    PartnerType,
    Segment,
    Tier,
    TierRequirement,
)
from partners.tests.factories import ApplicationFactory, PartnerFactory
from prm.accounts.models import Invitation
from prm.accounts.tests.factories import UserFactory
from prm.exchange.models import ExchangeRate
from prm.tenancy.models import Tenant
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import MembershipFactory, TenantFactory, partner_membership
from tests.html_forms import form_values
from tests.worlds import host_client_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]

YEAR = timezone.localdate().year


@dataclass
class Program:
    """A small tenant, built per test (committed: the threads must see it): two program
    leaders, a partner company with two admins, a partner type, a tier, two applications."""

    tenant: Tenant
    leaders: list[Any]
    partner: Partner
    admins: list[Any]
    partner_type: PartnerType
    tier: Tier
    applications: list[Application]
    operators: list[Any] = field(default_factory=list)


def build_program() -> Program:
    tenant = TenantFactory()
    with scope(tenant=tenant):
        partner = PartnerFactory(tenant=tenant, name="Northwind")
        return Program(
            tenant=tenant,
            leaders=[MembershipFactory(tenant=tenant, role=Role.PROGRAM_LEADER) for _ in "ab"],
            partner=partner,
            admins=[partner_membership(partner, Role.PARTNER_ADMIN) for _ in "ab"],
            partner_type=PartnerType.objects.create(tenant=tenant, name="Reseller"),
            tier=Tier.objects.create(tenant=tenant, name="Silver", rank=2),
            applications=[ApplicationFactory(tenant=tenant) for _ in "ab"],
            operators=[UserFactory(is_staff=True, is_superuser=True) for _ in "ab"],
        )


@dataclass(frozen=True)
class Race:
    id: str
    #: the page of the form, for the i-th of the two people
    url: Callable[[Program, int], str]
    #: the values both send (over what the page's form holds)
    values: Callable[[Program], dict[str, str]]
    #: the table the two race to insert into
    table: str
    #: how many rows the race may leave: exactly one
    rows: Callable[[Program], int]
    #: where the error is shown (None: at the top of the form) and what it says
    field: str | None
    message: str
    #: who sends it: the program's leaders, its partner's admins or the platform's operators
    who: str = "leaders"
    #: the statement both are held in front of (default: the INSERT into `table`)
    hold: str = ""

    @property
    def held_at(self) -> str:
        return self.hold or f'INSERT INTO "{self.table}"'


def _admin_add(model: type) -> Callable[[Program, int], str]:
    return lambda p, i: f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"


def _count(model: type, **lookup: Any) -> Callable[[Program], int]:
    def count(p: Program) -> int:
        with scope(tenant=p.tenant):
            return model.objects.filter(tenant=p.tenant, **lookup).count()

    return count


RACES = [
    Race(
        "partner type",
        _admin_add(PartnerType),
        lambda p: {"name": "Agency"},
        "partners_partnertype",
        _count(PartnerType, name="Agency"),
        "name",
        "Partner type with this Name already exists.",
    ),
    Race(
        "tier name",
        _admin_add(Tier),
        lambda p: {"name": "Gold", "rank": "3"},
        "partners_tier",
        _count(Tier, name="Gold"),
        "name",
        "Tier with this Name already exists.",
    ),
    Race(
        "product",
        _admin_add(Product),
        lambda p: {"name": "Widget"},
        "deals_product",
        _count(Product, name="Widget"),
        "name",
        "Product with this Name already exists.",
    ),
    Race(
        "reject reason",
        _admin_add(RejectReason),
        lambda p: {"label": "Too small"},
        "deals_rejectreason",
        _count(RejectReason, label="Too small"),
        "label",
        "Rejection reason with this Reason already exists.",
    ),
    Race(
        "partner",
        _admin_add(Partner),
        lambda p: {"name": "Contoso", "status": "onboarding"},
        "partners_partner",
        _count(Partner, name="Contoso"),
        "name",
        "Partner with this Name already exists.",
    ),
    Race(
        "segment",
        _admin_add(Segment),
        lambda p: {"name": "DACH"},
        "partners_segment",
        _count(Segment, name="DACH"),
        "name",
        "Segment with this Name already exists.",
    ),
    Race(
        "protected account",
        _admin_add(ProtectedAccount),
        lambda p: {"name": "Fabrikam", "domain": "fabrikam.example"},
        "deals_protectedaccount",
        _count(ProtectedAccount, domain="fabrikam.example"),
        "domain",
        "Another protected account has the domain fabrikam.example.",
    ),
    Race(
        "onboarding plan",
        _admin_add(OnboardingPlan),
        lambda p: {"name": "Resellers", "partner_type": str(p.partner_type.pk)},
        "partners_onboardingplan",
        lambda p: _count(OnboardingPlan, partner_type=p.partner_type)(p),
        "partner_type",
        "Reseller already has an onboarding plan: edit that one.",
    ),
    Race(
        "business plan",
        _admin_add(BusinessPlan),
        lambda p: {"partner": str(p.partner.pk), "year": str(YEAR)},
        "partners_businessplan",
        lambda p: _count(BusinessPlan, partner=p.partner, year=YEAR)(p),
        "year",
        f"Northwind has a plan for {YEAR} already.",
    ),
    Race(
        "staff invitation",
        _admin_add(Invitation),
        lambda p: {"email": "newcomer@example.test", "role": Role.CAM, "partner": ""},
        "accounts_invitation",
        _count(Invitation, email="newcomer@example.test", revoked_at__isnull=True),
        "email",
        "Invitation with this Email address already exists.",
    ),
    Race(
        "application approved as a partner",
        lambda p, i: f"/admin/partners/application/{p.applications[i].pk}/approve/",
        lambda p: {"name": "Adventure Works"},
        "partners_partner",
        _count(Partner, name="Adventure Works"),
        "name",
        "A partner named Adventure Works already exists. Choose another name.",
    ),
    Race(
        "tier requirement",
        lambda p, i: f"/admin/partners/tier/{p.tier.pk}/change/",
        lambda p: {"requirements-0-metric": "deals.won", "requirements-0-threshold": "5"},
        "partners_tierrequirement",
        lambda p: _count(TierRequirement, tier=p.tier)(p),
        None,
        "Requirement with this Tier and Metric already exists.",
        # The tier's row is saved first, and its lock would queue the second request before
        # its INSERT: both are held in front of that UPDATE instead, after every check.
        hold='UPDATE "partners_tier"',
    ),
    Race(
        "team invitation (portal)",
        lambda p, i: "/team/",
        lambda p: {"email": "colleague@example.test", "role": Role.PARTNER_REP},
        "accounts_invitation",
        _count(Invitation, email="colleague@example.test", revoked_at__isnull=True),
        "email",
        "Invitation with this Email address already exists.",
        who="admins",
    ),
    Race(
        "business plan (portal)",
        lambda p, i: f"/program/plan/{YEAR}/create/",
        lambda p: {"summary": "Grow in the north"},
        "partners_businessplan",
        lambda p: _count(BusinessPlan, partner=p.partner, year=YEAR)(p),
        None,
        f"Northwind has a plan for {YEAR} already.",
        who="admins",
    ),
    Race(
        "tenant (platform)",
        lambda p, i: "/admin/tenancy/tenant/add/",
        lambda p: {
            "name": "Initech",
            "slug": "initech",
            "portal_title": "Initech Partners",
            "domains-0-host": "",
        },
        "tenancy_tenant",
        lambda p: Tenant.objects.filter(slug="initech").count(),
        "slug",
        "Tenant with this Slug already exists.",
        who="operators",
    ),
    # Exchange rates: the confirmed send of the same currency and first day by two leaders
    Race(
        "exchange rate",
        lambda p, i: "/admin/exchange-rates/add/",
        lambda p: {
            "currency": "GBP",
            "rate": "1.17",
            "valid_from": "2026-01-01",
            "confirmed": "on",
        },
        "exchange_exchangerate",
        lambda p: _count(ExchangeRate, currency="GBP")(p),
        "valid_from",
        "There is already a rate for this currency from this day",
    ),
]


def _client(program: Program, race: Race, i: int) -> Client:
    if race.who == "operators":
        client = host_client_for("localhost")
        client.force_login(program.operators[i])
        return client
    host = program.tenant.primary_domain.host
    return host_client_for(host, getattr(program, race.who)[i])


def _send_together(posts: list[tuple[Client, str, dict]], held_at: str) -> tuple[list, list]:
    """POST each form from its own thread and connection, both held in front of the statement
    starting with `held_at` until both are there; the responses, and the unique violations
    the database raised."""
    barrier = threading.Barrier(len(posts))
    violations: list[str] = []
    responses: list[Any] = [None] * len(posts)

    def send(i: int, client: Client, url: str, data: dict) -> None:
        held = False

        def hold_before_insert(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal held
            if not held and sql.startswith(held_at):
                held = True
                barrier.wait(timeout=15)
            try:
                return execute(sql, params, many, context)
            except IntegrityError as exc:
                violations.append(str(exc).splitlines()[0])
                raise

        try:
            with connection.execute_wrapper(hold_before_insert):
                responses[i] = client.post(url, data)
        except BaseException as exc:  # a server error: the test shows it
            responses[i] = exc
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses, violations


def _error_beside(page: str, name: str | None) -> str:
    """The text of the error shown beside field `name` (None: the whole page)."""
    if name is None:
        return html.unescape(page)
    found = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</(?:ul|div)>', page, re.S)
    assert found, f"no error beside {name!r}"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.parametrize("race", RACES, ids=lambda r: r.id)
def test_two_people_sending_the_same_values_at_once_make_one_row_and_one_clear_refusal(race):
    program = build_program()
    posts = []
    for i in range(2):
        client = _client(program, race, i)
        url = race.url(program, i)
        page = client.get(url)
        assert page.status_code == 200, url
        values = race.values(program)
        data = form_values(page.content.decode(), containing=next(iter(values)))
        data.update({k: [v] for k, v in values.items()})
        posts.append((client, url, data))

    responses, violations = _send_together(posts, race.held_at)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert len(violations) == 1, "the race was decided by the database's constraint"
    refused = next(r for r in responses if r.status_code == 200).content.decode()
    assert race.message in _error_beside(refused, race.field)
    assert race.rows(program) == 1
