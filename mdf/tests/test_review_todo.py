"""The MDF cards of the staff home: requests, second approvals, claims and payments due."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mdf.models import Fund, MdfRequest
from mdf.services import review
from mdf.tests.factories import claim_row, request_row
from mdf.todo import claims_todo, payments_todo, requests_todo
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def lines_of(card):
    return {line.text: line.count for line in card.lines}


def test_the_cams_request_card_counts_their_partners_and_names_the_most_urgent(in_ours, cam):
    rep = in_ours.members[Role.PARTNER_REP]
    late = request_row(in_ours.allocation, rep, title="Late one")
    MdfRequest.objects.filter(pk=late.pk).update(sla_due_at=timezone.now() - timedelta(hours=9))
    card = requests_todo(cam)
    lines = lines_of(card)
    assert lines["waiting for a decision"] == 2  # not partner B's
    assert lines["overdue for a decision"] == 1
    assert card.rows[0].title.endswith("Late one")
    assert "overdue" in card.rows[0].badge
    assert card.urgent
    assert not any("second approval" in text for text in lines)  # CAMs do not give it


def test_leaders_see_the_second_approvals_waiting(in_ours, cam):
    Fund.objects.filter(pk=in_ours.fund.pk).update(second_approval_above=Decimal("1000"))
    review.request_approve(actor=cam, mdf_request=MdfRequest.objects.get(pk=in_ours.mdf_request.pk))
    card = requests_todo(in_ours.members[Role.PROGRAM_LEADER])
    assert lines_of(card)["approved by a CAM, waiting for your second approval"] == 1


def test_claims_and_payments_cards(in_ours, cam):
    assert lines_of(claims_todo(cam))["claim with its proof to check"] == 1
    ops = in_ours.members[Role.PARTNER_OPS]
    card = payments_todo(ops)
    due = [line for line in card.lines if "due for payment" in line.text]
    assert due[0].count == 1  # the world's due claim (in a batch)
    assert "2,000.00" in due[0].text
    assert card.lines[-1].count == 1


def test_empty_cards_say_what_happens_next(in_ours, cam):
    MdfRequest.objects.filter(tenant=in_ours.tenant).update(status="withdrawn")
    card = requests_todo(cam)
    assert not card.shown_lines
    assert "appear here" in str(card.empty)


def _queries(provider, member) -> int:
    with CaptureQueriesContext(connection) as ctx:
        provider(member)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("provider", "role", "budget"),
    [
        (requests_todo, Role.CAM, 3),
        (requests_todo, Role.PROGRAM_LEADER, 3),
        (claims_todo, Role.CAM, 2),
        (payments_todo, Role.PARTNER_OPS, 2),
    ],
)
def test_each_card_costs_the_same_queries_at_two_sizes(in_ours, provider, role, budget):
    member = in_ours.members[role]
    provider(member)  # whatever is cached per member (its partners, its tenant) is read once
    small = _queries(provider, member)
    rep = in_ours.members[Role.PARTNER_REP]
    for i in range(12):
        request_row(in_ours.allocation, rep, amount="10", title=f"More {i}")
        funded = request_row(in_ours.allocation, rep, status="approved", amount="10")
        claim_row(funded, rep, status="approved" if i % 2 else "submitted", proof=False)
    large = _queries(provider, member)
    assert small == large <= budget
