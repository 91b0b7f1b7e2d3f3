"""The alert sweep and the alert pages cost the same number of queries whatever the number of
partners, alerts and rules' subjects: the sweep evaluates each rule once over all subjects and
writes in bulk (no query per partner); the lists and an alert's page read a fixed number."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from deals.tests.factories import DealFactory
from partners.tests.factories import PartnerFactory
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from reporting.alerts.seed import alert_rules_seed
from reporting.alerts.sweep import sweep_tenant
from reporting.models import Alert, AlertRule
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 3, 12
pytestmark = pytest.mark.xdist_group("budgets-reporting-alerts")

PAGES = [
    # (url, role, budget): the session, membership and tenant (~5), then the page's own reads
    ("/admin/reporting/alert/", Role.PROGRAM_LEADER, 10),
    ("/admin/reporting/alert/", Role.CAM, 10),
    ("/admin/reporting/alertrule/", Role.PARTNER_OPS, 9),
    ("alert", Role.CAM, 10),
    # the form's choices, and the "would fire now" preview: one evaluation
    ("rule", Role.PROGRAM_LEADER, 16),
]
#: the steady sweep (every alert evaluated again, nothing fires): the rules, the shared reads,
#: one query per scope and one evaluation per scope and window (the rules sharing them
#: together), the locked read, one bulk update (measured: 18 for 7 rules at both sizes, the
#: seeded PSAT rule among them; 17 for the 6 before it, 20 when each was evaluated alone)
SWEEP_BUDGET = 18


def grow(world, start: int, end: int) -> None:
    """Per step: an inactive partner of the CAM (it fires the seeded "no deal or login" rule),
    and an active one with a deal."""
    tenant = world.tenant
    cam = world.members[Role.CAM]
    with scope(tenant=tenant):
        for i in range(start, end):
            quiet = PartnerFactory(tenant=tenant, name=f"Quiet partner {i}")
            busy = PartnerFactory(tenant=tenant, name=f"Busy partner {i}")
            for partner in (quiet, busy):
                assign_perm(MANAGE_PARTNER, cam.user, partner)
            DealFactory(partner=busy, submitted_at=timezone.now() - timedelta(days=2))


def _sweep_queries(world) -> int:
    with scope(tenant=world.tenant), CaptureQueriesContext(connection) as ctx:
        result = sweep_tenant(world.tenant)
    assert result.fired == []  # steady: everything that holds fired in the sweep before
    return len(ctx.captured_queries)


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        with scope(tenant=world.tenant):
            alert_rules_seed(tenant=world.tenant)
            AlertRule.objects.create(
                tenant=world.tenant, name="Portfolios below 1,000 registrations",
                metric="deals.registered", scope=AlertRule.Scope.CAM,
                comparison=AlertRule.Comparison.BELOW, threshold=Decimal(1000),
                window=AlertRule.Window.QUARTER, owner=AlertRule.Owner.CAMS,
            )  # fmt: skip

        def url_of(url: str) -> str:
            with scope(tenant=world.tenant):
                if url == "alert":
                    alert = Alert.objects.filter(owner_ids__contains=[world.members[Role.CAM].pk])
                    return f"/admin/reporting/alert/{alert.order_by('pk').first().pk}/change/"
                if url == "rule":
                    rule = AlertRule.objects.get(tenant=world.tenant, seed_key="inactive_partner")
                    return f"/admin/reporting/alertrule/{rule.pk}/change/"
            return url

        def measure() -> dict:
            with scope(tenant=world.tenant):
                sweep_tenant(world.tenant)  # whatever the growth made hold fires now
            found = count_all(
                [(u, r) for u, r, _b in PAGES],
                lambda p: page_queries(clients[p[1]], url_of(p[0])),
            )
            found[("sweep", "")] = _sweep_queries(world)
            return found

        grow(world, 0, SMALL)
        small = measure()
        grow(world, SMALL, LARGE)
        large = measure()
        with scope(tenant=world.tenant):
            assert (
                Alert.objects.filter(
                    subject_label__startswith="Quiet", rule__seed_key="inactive_partner"
                ).count()
                == LARGE
            )
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_alert_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
def test_the_sweep_costs_the_same_queries_at_two_sizes(counts):
    assert_budget(counts[("sweep", "")], SWEEP_BUDGET)
