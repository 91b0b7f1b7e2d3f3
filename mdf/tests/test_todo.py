"""The MDF cards of the staff home: requests and claims to decide, with their clock; claims to
pay. A CAM's cards count only the partners assigned to them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mdf.models import Claim, MdfRequest
from mdf.tests.links import page, stand_in_links  # noqa: F401 - the fixture
from mdf.todo import decisions_todo, payments_todo
from prm.money import format_money
from prm.tenancy.roles import Role

pytestmark = pytest.mark.usefixtures("stand_in_links")


def counts(card) -> dict[str, int]:
    return {line.text: line.count for line in card.lines}


def test_the_cam_counts_only_their_partners_requests_and_claims(in_ours):
    world = in_ours
    MdfRequest.objects.filter(pk=world.mdf_request.pk).update(
        sla_due_at=timezone.now() - timedelta(hours=3)
    )
    card = decisions_todo(world.members[Role.CAM])
    assert counts(card) == {
        "overdue for a decision": 1,
        "waiting for a decision": 1,
        "claims with proof to review": 1,
        "sent back to the partner for more information": 0,
    }
    [row] = card.rows
    assert row.title == f"{world.mdf_request.reference} {world.mdf_request.title}"
    assert row.url == page("admin:mdf_mdfrequest_change", world.mdf_request.pk)
    assert world.partner.name in row.detail
    assert "overdue by" in row.badge
    assert card.urgent


def test_a_program_leader_sees_every_partner_and_the_second_approvals(in_ours):
    world = in_ours
    MdfRequest.objects.filter(pk=world.other_mdf_request.pk).update(
        status=MdfRequest.Status.SECOND_APPROVAL
    )
    card = decisions_todo(world.members[Role.PROGRAM_LEADER])
    found = counts(card)
    assert found["waiting for a decision"] == 1
    assert found["approved by a CAM, waiting for your second approval"] == 1
    assert found["claims with proof to review"] == 2
    second = next(line for line in card.lines if "second approval" in line.text)
    assert second.url == page("admin:mdf_mdfrequest_changelist") + "?status=second_approval"


def test_nothing_waiting_reads_as_news(in_ours):
    world = in_ours
    MdfRequest.objects.filter(tenant=world.tenant, status=MdfRequest.Status.SUBMITTED).update(
        status=MdfRequest.Status.WITHDRAWN
    )
    Claim.objects.filter(tenant=world.tenant).update(status=Claim.Status.REJECTED)
    card = decisions_todo(world.members[Role.CAM])
    assert card.waiting == 0
    assert card.rows == []
    assert "No MDF request or claim waits for you" in str(card.empty)


def test_claims_to_pay_say_what_is_owed_and_what_waits_in_a_batch(in_ours):
    world = in_ours
    card = payments_todo(world.members[Role.PARTNER_OPS])
    claim = world.due_claim
    owed = format_money(claim.approved_amount, claim.currency)
    assert counts(card) == {
        f"approved, due to partners ({owed})": 1,
        "in a payment batch, waiting for the payment reference": 1,
    }
    assert card.lines[0].url == page("admin:mdf_claim_changelist") + "?status=approved"


# The query budget of the staff home with the MDF cards

SMALL, LARGE = 3, 24
#: the home's budget (tests/test_workspace_budgets.py) with the MDF cards: 3 queries for the
#: decisions card (the counts, the most urgent rows and their partner in one), 1 for payments
BUDGETS = {Role.CAM: 18, Role.PROGRAM_LEADER: 21, Role.PARTNER_OPS: 19}


@pytest.fixture(scope="module")
def home_counts(world_store, django_db_blocker):
    from mdf.tests.test_overview import grow
    from tests.budgets import Clients, at_two_sizes, count_all, page_queries, rolled_back

    world = world_store.world("ours")
    with rolled_back(django_db_blocker.unblock):
        clients = Clients(world)
        with pytest.MonkeyPatch.context() as patch:
            import mdf.todo

            patch.setattr(mdf.todo, "reverse", lambda name, args=(), **kw: page(name, *args))

            def measure() -> dict:
                return count_all(BUDGETS, lambda role: page_queries(clients[role], "/admin/"))

            grow(world, 0, SMALL)
            small = measure()
            grow(world, SMALL, LARGE)
            large = measure()
    return at_two_sizes(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(BUDGETS))
def test_the_staff_home_with_mdf_cards_costs_the_same_at_two_sizes(home_counts, role):
    from tests.budgets import assert_budget

    assert_budget(home_counts[role], BUDGETS[role])
