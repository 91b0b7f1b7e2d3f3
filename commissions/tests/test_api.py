"""/api/v1/commissions/ledger/ and /api/v1/commissions/statements/: read only."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from commissions import ledger
from commissions.models import Line, Statement
from commissions.tests import factories as commission_rows
from prm.metrics.periods import month_of
from tests.worlds import api_client_for, api_token_with

LEDGER = "/api/v1/commissions/ledger/"
STATEMENTS = "/api/v1/commissions/statements/"
pytestmark = pytest.mark.django_db


def ids(client: Any, url: str, **query: Any) -> list[int]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_ledger_holds_our_lines_with_their_money_and_none_of_theirs(ours, theirs):
    response = api_client_for(ours).get(LEDGER, {"limit": 200})
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert {ours.line.pk, ours.other_line.pk} <= set(rows)
    assert not set(rows) & {theirs.line.pk, theirs.other_line.pk}
    line = rows[ours.line.pk]
    assert line["partner"] == {"id": ours.partner.pk, "name": ours.partner.name}
    assert line["deal"] == ours.won_deal.pk
    assert (line["source"], line["state"]) == ("deal", ours.line.state)
    assert line["amount"] == f"{ours.line.amount:.2f}"
    assert line["currency"] == ours.line.currency
    assert line["earned_on"] == ours.line.earned_on.isoformat()
    assert (line["statement"], line["reverses"]) == (None, None)


def test_a_line_is_read_by_id_and_another_tenants_is_not_found(ours, theirs):
    client = api_client_for(ours)
    assert client.get(f"{LEDGER}{ours.line.pk}/").json()["id"] == ours.line.pk
    assert client.get(f"{LEDGER}{theirs.line.pk}/").status_code == 404
    assert client.get(f"{LEDGER}987654321/").status_code == 404


def test_a_reversal_is_a_new_line_naming_the_one_it_reverses(ours):
    with scope(tenant=ours.tenant):
        reversal = ledger.reverse(line=ours.line, actor=None, reason="Deal reopened")
    row = api_client_for(ours).get(f"{LEDGER}{reversal.pk}/").json()
    assert row["reverses"] == ours.line.pk
    assert row["amount"] == f"{-ours.line.amount:.2f}"
    assert row["reason"] == "Deal reopened"


def test_the_ledger_filters_by_partner_deal_statement_source_and_state(ours, theirs):
    client = api_client_for(ours)
    assert ids(client, LEDGER, deal=ours.won_deal.pk) == [ours.line.pk]
    on_statement = ids(client, LEDGER, statement=ours.statement.pk)
    assert on_statement
    assert ours.line.pk not in on_statement
    of_b = ids(client, LEDGER, partner=ours.other_partner.pk)
    assert ours.other_line.pk in of_b
    assert ours.line.pk not in of_b
    assert ours.line.pk in ids(client, LEDGER, source="deal", state=ours.line.state)
    assert ours.line.pk not in ids(client, LEDGER, source="adjustment")
    assert ids(client, LEDGER, partner=theirs.partner.pk) == []


def test_the_statements_hold_ours_with_totals_per_currency(ours, theirs):
    client = api_client_for(ours)
    rows = {row["id"]: row for row in client.get(STATEMENTS).json()["results"]}
    assert {ours.statement.pk, ours.other_statement.pk} <= set(rows)
    assert not set(rows) & {theirs.statement.pk, theirs.other_statement.pk}
    statement = rows[ours.statement.pk]
    assert statement["reference"] == ours.statement.reference
    assert statement["partner"]["id"] == ours.partner.pk
    assert statement["status"] == "approved"
    assert statement["period_start"] == ours.statement.period_start.isoformat()
    assert statement["totals"] == [
        {
            "currency": ours.tenant.default_currency,
            "opening": "0.00",
            "lines": "1200.00",
            "closing": "1200.00",
            "payable": "1200.00",
        }
    ]
    assert client.get(f"{STATEMENTS}{ours.statement.pk}/").json() == statement
    assert client.get(f"{STATEMENTS}{theirs.statement.pk}/").status_code == 404


def test_the_statements_filter_by_status_and_partner(ours):
    client = api_client_for(ours)
    assert ids(client, STATEMENTS, partner=ours.other_partner.pk) == [ours.other_statement.pk]
    assert ids(client, STATEMENTS, status="draft") == []
    assert ours.statement.pk in ids(client, STATEMENTS, status="approved")


@pytest.mark.parametrize("url", [LEDGER, STATEMENTS])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"partner": "0"}, "partner"),
        ({"partner": "1e3"}, "partner"),
        ({"updated_since": "soon"}, "updated_since"),
        ({"limit": "1000"}, "limit"),
    ],
)
def test_a_bad_filter_is_refused_beside_its_name(ours, url, query, field):
    response = api_client_for(ours).get(url, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("query", "field"), [({"state": "owed"}, "state"), ({"deal": "x"}, "deal")]
)
def test_a_bad_ledger_filter_is_refused_beside_its_name(ours, query, field):
    response = api_client_for(ours).get(LEDGER, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_key_without_the_commissions_scope_is_refused_and_no_key_writes(ours):
    no_scope = api_client_for(ours, api_token_with(ours, {"mdf": "read"}))
    assert no_scope.get(LEDGER).status_code == 403
    assert no_scope.get(f"{STATEMENTS}{ours.statement.pk}/").status_code == 403
    client = api_client_for(ours)
    with scope(tenant=ours.tenant):
        before = Line.objects.count()
    body = json.dumps({"partner": ours.partner.pk, "amount": "1000", "currency": "EUR"})
    assert client.post(LEDGER, body, content_type="application/json").status_code == 403
    with scope(tenant=ours.tenant):
        assert Line.objects.count() == before


def test_updated_since_gives_new_lines_and_lines_whose_state_moved(ours):
    client = api_client_for(ours)
    since = timezone.now().isoformat()
    assert ids(client, LEDGER, updated_since=since) == []
    with scope(tenant=ours.tenant):
        # The money of a line never changes; its state does (approved here).
        Line.objects.filter(pk=ours.line.pk).update(
            state=Line.State.APPROVED, approved_at=timezone.now()
        )
        added = commission_rows.line_row(ours.other_partner, "50")
        Statement.objects.filter(pk=ours.other_statement.pk).update(payment_reference="AP-1")
    assert ids(client, LEDGER, updated_since=since) == [ours.line.pk, added.pk]
    assert ids(client, STATEMENTS, updated_since=since) == [ours.other_statement.pk]


@pytest.mark.parametrize("url", [LEDGER, STATEMENTS])
def test_the_lists_cost_the_same_queries_for_few_or_many_rows(ours, url):
    client = api_client_for(ours)
    months = iter(range(3, 100))

    def grow_and_count(n: int) -> int:
        with scope(tenant=ours.tenant):
            for _i in range(n):
                day = timezone.localdate().replace(day=1) - timedelta(days=31 * next(months))
                lines = [
                    commission_rows.line_row(ours.partner, "10", earned_on=day),
                    commission_rows.line_row(ours.partner, "5", currency="USD", earned_on=day),
                ]
                commission_rows.statement_row(ours.partner, month_of(day), lines)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"limit": 200})
        assert response.status_code == 200
        return len(queries.captured_queries)

    small, large = grow_and_count(2), grow_and_count(25)
    assert small == large, f"{small} queries for a few rows, {large} for many"
    # the host's tenant, the key, its rate count, the page (and the statements' totals)
    assert large <= 5, large
