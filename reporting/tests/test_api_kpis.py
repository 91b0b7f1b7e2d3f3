"""`GET /api/v1/kpis/`: the dashboards' figures for a period and a scope."""

from decimal import Decimal

import pytest
from django_scopes import scope

from prm.api.services import api_key_create
from prm.exchange.services import tenant_today
from prm.metrics import periods as P
from prm.metrics.engine import evaluate
from prm.metrics.registry import all_metrics, get
from prm.tenancy.roles import Role
from tests.worlds import api_client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/kpis/"


def test_every_kpi_of_this_quarter_is_read_as_the_engine_reads_it(ours):
    answer = api_client_for(ours).get(URL)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    with scope(tenant=ours.tenant):
        quarter = P.fiscal_quarter_of(tenant_today(ours.tenant), ours.tenant.fiscal_year_start or 1)
        table = evaluate(ours.tenant, all_metrics(), [quarter])
    assert body["period"] == {"start": quarter.start.isoformat(), "end": quarter.end.isoformat()}
    assert [r["name"] for r in body["results"]] == [m.name for m in all_metrics()]
    for row in body["results"]:
        expected = table.get(row["name"], quarter)
        if expected is None:
            assert row["value"] is None
        else:
            assert Decimal(row["value"]) == expected.quantize(Decimal("0.0001"))
    assert body["partners"] == 2
    assert body["currency"] == ours.tenant.default_currency


def test_one_partner_and_chosen_kpis_for_custom_dates(ours):
    query = {
        "span": "custom",
        "start": "2026-01-01",
        "end": "2026-06-30",
        "partner": ours.partner.pk,
        "metrics": "deals.win_rate,deals.revenue_won",
    }
    body = api_client_for(ours).get(URL, query).json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert body["compared_with"] == {"start": "2025-07-04", "end": "2025-12-31"}
    assert {r["name"] for r in body["results"]} == {"deals.win_rate", "deals.revenue_won"}
    assert body["partners"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"span": "decade"}, "span"),
        ({"span": "custom"}, "start"),
        ({"span": "custom", "start": "2026-05-01", "end": "2026-04-01"}, "end"),
        ({"span": "custom", "start": "2020-01-01", "end": "2026-01-01"}, "end"),
        ({"span": "custom", "start": "1999-12-31", "end": "2000-01-05"}, "start"),
        ({"metrics": "deals.nonsense"}, "metrics"),
        ({"metrics": ","}, "metrics"),
        ({"partner": "abc"}, "partner"),
        ({"partner": "0"}, "partner"),
        ({"compare": "tomorrow"}, "compare"),
        ({"start": ""}, "start"),
        ({"partner": ""}, "partner"),
    ],
)
def test_bad_parameters_answer_400_beside_the_parameter(ours, query, field):
    response = api_client_for(ours).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_another_tenants_partner_reads_like_a_missing_one(ours, theirs):
    client = api_client_for(ours)
    foreign = client.get(URL, {"partner": theirs.partner.pk})
    missing = client.get(URL, {"partner": 987654321})
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()


def test_kpis_need_the_kpis_scope(ours):
    key = api_key_create(
        actor=ours.members[Role.PROGRAM_LEADER], name="Deals only", scopes={"deals": "read"}
    )
    assert api_client_for(ours, key.token).get(URL).status_code == 403


def test_the_win_rate_is_a_ratio_and_money_is_in_the_tenants_currency(ours):
    body = api_client_for(ours).get(URL, {"metrics": "deals.win_rate"}).json()
    (row,) = body["results"]
    assert row["unit"] == get("deals.win_rate").unit


def test_kpis_cost_the_same_queries_whatever_the_number_of_partners(ours):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.tests.factories import PartnerFactory

    client = api_client_for(ours)

    def count() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    small = count()
    with scope(tenant=ours.tenant):
        PartnerFactory.create_batch(15, tenant=ours.tenant)
    assert count() == small
