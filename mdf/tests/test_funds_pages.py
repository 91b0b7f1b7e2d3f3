"""The fund overview and an allocation's ledger: the figures, a CAM's narrower view, the CSV
file, and 404 for what the member does not see."""

import csv
import io
from decimal import Decimal

import pytest
from django_scopes import scope

from deals.models import Deal
from mdf.admin.overview import bar_segments, budget_bar
from mdf.funds import Balances
from mdf.models import CampaignDeal
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _overview(fund):
    return f"/admin/mdf/funds/{fund.pk}/overview/"


def _ledger(allocation, csv_file=False):
    return f"/admin/mdf/funds/allocations/{allocation.pk}/ledger" + (".csv" if csv_file else "/")


def test_the_overview_shows_the_funds_money_use_and_return(ours, host_client):
    request = ours.due_claim.request
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=ours.approved_deal.pk).update(
            status=Deal.Status.WON, holds_claim=False, won_amount=Decimal("9000"),
            amount=Decimal("12000"), currency=request.currency,
        )  # fmt: skip
        CampaignDeal.objects.create(tenant=ours.tenant, request=request, deal=ours.approved_deal)
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get(_overview(ours.fund))
    assert response.status_code == 200
    c = response.context
    balances = c["balances"]
    # both partners: 2 x 20,000 allocated, 2 x 5,000 committed, partner A's 2,000 claimed
    assert (balances.allocated, balances.committed, balances.claimed, balances.reimbursed) == (
        Decimal("40000.00"), Decimal("10000.00"), Decimal("2000.00"), Decimal("0.00"),
    )  # fmt: skip
    assert balances.commitment_rate == Decimal("30.0")
    assert balances.claim_rate == Decimal("16.7")
    assert c["roi"].spend == Decimal("2000.00")
    assert c["roi"].revenue == Decimal("9000.00")
    assert c["roi"].revenue_ratio == Decimal("4.5")
    body = response.content.decode()
    assert "Unallocated" in body
    assert "€60,000.00" in body  # unallocated
    assert "4.5×" in body
    assert ours.other_partner.name in body
    rows = {r["allocation"].partner_id: r for r in c["rows"]}
    assert rows[ours.partner.pk]["roi"].revenue == Decimal("9000.00")
    assert rows[ours.partner.pk]["used_rate"] == Decimal("35.0")  # 7,000 of 20,000
    counts = {s["value"]: s["count"] for s in c["statuses"]}
    assert counts == {"submitted": 2, "approved": 3}


def test_a_cams_overview_counts_only_their_partners(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    response = client.get(_overview(ours.fund))
    balances = response.context["balances"]
    assert (balances.allocated, balances.committed) == (Decimal("20000.00"), Decimal("5000.00"))
    assert [r["allocation"].partner_id for r in response.context["rows"]] == [ours.partner.pk]
    body = response.content.decode()
    assert ours.other_partner.name not in body
    assert "Unallocated" not in body
    assert "count the partners assigned to you" in body
    assert {s["value"]: s["count"] for s in response.context["statuses"]} == {
        "submitted": 1,
        "approved": 2,
    }


def test_the_ledger_lists_every_line_with_its_source(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(_ledger(ours.allocation))
    assert response.status_code == 200
    lines = [line["m"] for line in response.context["lines"]]
    # allocated, committed (funded), committed (paid_for), claimed (due claim)
    assert [m.kind for m in lines] == ["allocated", "committed", "committed", "claimed"]
    body = response.content.decode()
    assert ours.funded_request.reference in body
    assert ours.due_claim.reference in body
    assert "Test allocation" in body
    assert "€13,000.00" in body  # available


def test_the_ledger_csv_adds_up_to_the_balances(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get(_ledger(ours.allocation, csv_file=True))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [r[1] for r in rows] == ["Allocated", "Committed", "Committed", "Claimed"]
    assert sum(Decimal(r[2]) for r in rows) == Decimal("29000.00")
    assert rows[3][8] == ours.due_claim.reference


def test_a_cam_gets_404_for_the_ledger_of_a_partner_not_theirs(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get(_ledger(ours.allocation)).status_code == 200
    assert client.get(_ledger(ours.other_allocation)).status_code == 404
    assert client.get(_ledger(ours.other_allocation, csv_file=True)).status_code == 404


def test_another_tenants_fund_and_allocation_are_404(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert client.get(_overview(theirs.fund)).status_code == 404
    assert client.get(_ledger(theirs.allocation)).status_code == 404
    assert client.get(f"/admin/mdf/funds/{theirs.fund.pk}/allocations/").status_code == 404


def test_partner_users_may_not_open_the_fund_pages(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert client.get(_overview(ours.fund)).status_code == 403
    assert client.get(_ledger(ours.allocation)).status_code == 403


def test_the_budget_bar_draws_each_part_in_proportion_and_says_it_in_words():
    balances = Balances(
        currency="EUR", budget=Decimal(1000), allocated=Decimal(800), committed=Decimal(200),
        claimed=Decimal(100), reimbursed=Decimal(300), partners=2,
    )  # fmt: skip
    segments = bar_segments(balances, whole_fund=True)
    assert [(s.key, s.amount) for s in segments] == [
        ("paid", Decimal(300)), ("claimed", Decimal(100)), ("committed", Decimal(200)),
        ("available", Decimal(200)), ("unallocated", Decimal(200)),
    ]  # fmt: skip
    svg = str(budget_bar(segments, title="Money"))
    # 600 px for 1,000: paid 300 -> 180 px, then claimed from x=180
    assert 'class="bar-paid" x="0.0" y="0" width="180.0"' in svg
    assert 'class="bar-claimed" x="180.0"' in svg
    assert "Paid €300.00" in svg
    assert "style=" not in svg
