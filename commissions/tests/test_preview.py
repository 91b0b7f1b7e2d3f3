"""The "what would this deal earn" preview: by a deal's reference or by its facts."""

from decimal import Decimal

import pytest
from django_scopes import scope

from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

URL = "/admin/commissions/plan/preview/"


def test_a_won_deal_shows_what_it_earns_and_why(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    response = client.get(URL, {"deal": ours.won_deal.reference})
    assert response.status_code == 200
    result = response.context["result"]
    with scope(tenant=ours.tenant):
        assert result.calculation.amount == ours.line.amount
    assert result.version.pk == ours.plan_version.pk
    assert result.type_rate.partner_type_id == ours.partner_type.pk
    assert "Plan version 1:" in response.content.decode()


def test_typed_facts_are_worked_out_with_the_products_override(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(
        URL,
        {
            "partner": ours.partner.pk, "amount": "1000", "currency": "EUR",
            "deal_type": "new", "products": [ours.product.pk],
        },
    )  # fmt: skip
    result = response.context["result"]
    assert result.override == Decimal("15.000")
    assert result.calculation.amount == Decimal("150.00")


def test_a_cam_cannot_preview_another_partners_deal(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    response = client.get(URL, {"deal": ours.other_won_deal.reference})
    assert response.context["result"] is None
    assert response.context["form"].errors["deal"]


def test_a_bad_reference_is_an_error_beside_the_field(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    response = client.get(URL, {"deal": "DR-\u00b2"})
    assert response.status_code == 200
    assert response.context["form"].errors["deal"]


def test_the_deal_page_links_to_the_preview(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    body = client.get(f"/admin/deals/deal/{ours.won_deal.pk}/change/").content.decode()
    assert 'id="deal-commission-preview"' in body
