"""The money pages cost the same number of queries whatever the size of the ledger (no N+1):
the money view (a partner admin's, a rep's), the per-deal breakdown, a line's page, and the
admin's list of disputes."""

from decimal import Decimal

import pytest
from django_scopes import scope

from commissions import ledger
from commissions.models import Line
from commissions.services.disputes import dispute_raise
from commissions.setup import commission_settings
from commissions.tests.factories import line_row, spif_award_row, won_deal_row
from prm.tenancy.roles import Role
from tests.budgets import Clients, assert_budget, at_two_sizes, count_all, page_queries, rolled_back

SMALL, LARGE = 5, 30
pytestmark = pytest.mark.xdist_group("budgets-commissions-money")

SOURCES = [Line.Source.SPIF, Line.Source.TIER_BONUS, Line.Source.ADJUSTMENT]
STATES = [Line.State.PENDING, Line.State.APPROVED]


def grow(world, n: int, start: int) -> None:
    """n more won deals of the rep with their lines (every third reversed, some with a SPIF
    award), n more lines of other kinds, states and currencies, and n more questions."""
    rep = world.members[Role.PARTNER_REP]
    admin = world.members[Role.PARTNER_ADMIN]
    with scope(tenant=world.tenant):
        for i in range(start, start + n):
            deal = won_deal_row(world.partner, rep, amount=str(1000 + i))
            line = line_row(
                world.partner, Decimal(100 + i), source=Line.Source.DEAL, deal=deal, owner=rep,
                state=STATES[i % 2],
            )  # fmt: skip
            if i % 3 == 0:
                ledger.reverse(line=line, actor=None, reason=f"Corrected {i}")
            if i % 4 == 0:
                spif_award_row(world.spif, world.partner, deal, amount="1")
            other = line_row(
                world.partner, Decimal(10 + i), source=SOURCES[i % 3], state=STATES[i % 2],
                currency="USD" if i % 2 else world.tenant.default_currency,
            )  # fmt: skip
            dispute_raise(actor=admin, line=other, message=f"Question {i}")


PAGES = [
    # (url, role, budget)
    # the money view: the session's 4 to 5, two grouped money sources, the next payout (2),
    # the latest lines; a rep's also reads the tenant's settings (may reps see earnings?)
    ("/earnings/", Role.PARTNER_ADMIN, 10),
    ("/earnings/", Role.PARTNER_REP, 12),
    ("/earnings/deals/", Role.PARTNER_ADMIN, 9),
    ("/earnings/deals/?page=2", Role.PARTNER_ADMIN, 9),
    ("/earnings/deals/", Role.PARTNER_REP, 10),
    ("/admin/commissions/dispute/", Role.PARTNER_OPS, 8),
    ("/admin/commissions/dispute/", Role.CAM, 8),
]


@pytest.fixture(scope="module")
def counts(world_store, django_db_blocker):
    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        with scope(tenant=world.tenant):
            settings = commission_settings(world.tenant)
            settings.reps_see_earnings = True
            settings.save(update_fields=["reps_see_earnings"])
        clients = Clients(world)
        line_url = f"/earnings/lines/{world.line.pk}/"

        def measure() -> dict:
            return {
                **count_all(
                    [(url, role) for url, role, _budget in PAGES],
                    lambda p: page_queries(clients[p[1]], p[0]),
                ),
                **count_all(
                    [("line", Role.PARTNER_ADMIN)],
                    lambda d: page_queries(clients[d[1]], line_url),
                ),
            }

        def thread(n: int) -> None:
            with scope(tenant=world.tenant):
                for i in range(n):
                    dispute_raise(
                        actor=world.members[Role.PARTNER_ADMIN], line=world.line, message=f"M{i}"
                    )

        grow(world, SMALL, 0)
        thread(SMALL)
        small = measure()
        grow(world, LARGE - SMALL, SMALL)
        thread(LARGE - SMALL)
        large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "budget"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_the_money_pages_cost_the_same_queries_at_two_sizes(counts, url, role, budget):
    """The money view: two grouped money sources, the next payout, the latest lines; the
    breakdown: a page of deals, their lines and SPIF awards; the disputes list: one page."""
    assert_budget(counts[(url, role)], budget)


@pytest.mark.django_db
def test_a_line_s_page_costs_the_same_queries_whatever_its_thread(counts):
    assert_budget(counts[("line", Role.PARTNER_ADMIN)], 9)
