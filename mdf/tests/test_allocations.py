"""A fund's allocations in the admin UI: the list, setting one partner's and a whole tier's
(confirmed first), the refusals beside the amount, the CSV file, and who sees what."""

import csv
import io
from decimal import Decimal

import pytest
from django_scopes import scope

from mdf import ledger
from mdf.models import Allocation, Movement
from mdf.services.allocations import allocation_set, allocations_by_tier
from mdf.tests.factories import fund_row
from partners.models import Partner, Tier
from partners.tests.factories import PartnerFactory
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def _url(fund, page=""):
    return f"/admin/mdf/funds/{fund.pk}/allocations/{page}"


def test_the_list_shows_each_partners_balances_and_the_totals(ours, ops):
    response = ops.get(_url(ours.fund))
    assert response.status_code == 200
    body = response.content.decode()
    assert ours.partner.name in body
    assert ours.other_partner.name in body
    # partner A: 20,000 allocated, 5,000 committed, 2,000 claimed -> 13,000 available
    assert "€13,000.00" in body
    assert "Total, 2 partners" in body
    assert "€40,000.00" in body


def test_a_cam_sees_only_their_partners_allocations_and_may_not_set_one(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    body = client.get(_url(ours.fund)).content.decode()
    assert ours.partner.name in body
    assert ours.other_partner.name not in body
    assert "Total, 1 partner" in body
    assert client.get(_url(ours.fund, "set/")).status_code == 403
    csv_body = b"".join(client.get(f"/admin/mdf/funds/{ours.fund.pk}/allocations.csv"))
    assert ours.other_partner.name.encode() not in csv_body


def test_setting_a_partners_allocation_is_confirmed_then_written_on_the_ledger(ours, ops):
    url = _url(ours.fund, "set/")
    assert ops.get(f"{url}?partner={ours.partner.pk}").status_code == 200
    data = {"partner": ours.partner.pk, "amount": "25000", "reason": "Strong pipeline"}
    confirm = ops.post(url, data)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Confirm the allocation" in body
    assert "€20,000.00" in body
    assert "€25,000.00" in body
    # budget 100,000 - 40,000 allocated - 5,000 more = 55,000 left after
    assert "€55,000.00" in body
    with scope(tenant=ours.tenant):
        assert Allocation.objects.get(pk=ours.allocation.pk).allocated == Decimal("20000.00")
    done = ops.post(url, {**data, "confirmed": "on"})
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        allocation = Allocation.objects.get(pk=ours.allocation.pk)
        line = allocation.movements.order_by("-pk").first()
        audited = AuditEvent.objects.filter(action="mdf.allocation.changed").exists()
        ours.fund.refresh_from_db()
        assert ledger.movements_add_up(allocation)
    assert allocation.allocated == Decimal("25000.00")
    assert (line.kind, line.amount, line.reason) == (
        "allocated",
        Decimal("5000.00"),
        "Strong pipeline",
    )
    assert ours.fund.allocated == Decimal("45000.00")
    assert audited


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("90000.01", "has €60,000.00 left to allocate"),
        ("6999.99", "€7,000.00 of this allocation is already committed"),
    ],
)
def test_a_refused_allocation_says_why_beside_the_amount_and_changes_nothing(
    ours, ops, amount, message
):
    data = {"partner": ours.partner.pk, "amount": amount, "reason": "x", "confirmed": "on"}
    with scope(tenant=ours.tenant):
        lines = Movement.objects.filter(allocation=ours.allocation).count()
    response = ops.post(_url(ours.fund, "set/"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["amount"])
    # Sent again, it is shown for confirmation first.
    assert 'name="confirmed" value="on"' not in response.content.decode()
    with scope(tenant=ours.tenant):
        assert Movement.objects.filter(allocation=ours.allocation).count() == lines
        assert Allocation.objects.get(pk=ours.allocation.pk).allocated == Decimal("20000.00")


def _tier_with_partners(tenant, n, allowance="40000"):
    tier = Tier.objects.create(tenant=tenant, name="Gold", rank=5, mdf_allowance=Decimal(allowance))
    partners = [PartnerFactory(tenant=tenant, tier=tier) for _ in range(n)]
    PartnerFactory(tenant=tenant, tier=tier, status=Partner.Status.INACTIVE)
    return tier, partners


def test_allocating_by_tier_defaults_to_a_quarter_of_the_yearly_allowance(ours, ops):
    with scope(tenant=ours.tenant):
        tier, partners = _tier_with_partners(ours.tenant, 3)
    url = _url(ours.fund, "by-tier/")
    confirm = ops.post(url, {"tier": tier.pk, "amount": "", "reason": "Gold tier, Q"})
    body = confirm.content.decode()
    assert confirm.status_code == 200, confirm.context["form"].errors
    assert "3 active partners" in body
    assert "€10,000.00" in body  # each: 40,000 a year / 4
    assert "€30,000.00" in body  # the tier's total
    assert "€60,000.00" in body  # left now; 30,000 after
    done = ops.post(
        url, {"tier": tier.pk, "amount": "10000.00", "reason": "Gold", "confirmed": "on"}
    )
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        given = Allocation.objects.filter(fund=ours.fund, tier=tier)
        assert sorted(a.partner_id for a in given) == sorted(p.pk for p in partners)
        assert {a.allocated for a in given} == {Decimal("10000.00")}


def test_a_tier_the_budget_cannot_cover_is_refused_whole(ours, ops):
    with scope(tenant=ours.tenant):
        tier, _partners = _tier_with_partners(ours.tenant, 4)
        count = Allocation.objects.count()
    data = {"tier": tier.pk, "amount": "15000.01", "reason": "too much", "confirmed": "on"}
    response = ops.post(_url(ours.fund, "by-tier/"), data)
    assert response.status_code == 200
    assert "left to allocate" in " ".join(response.context["form"].errors["amount"])
    with scope(tenant=ours.tenant):
        assert Allocation.objects.count() == count


def test_the_services_refuse_a_member_who_may_not_allocate(in_ours):
    from django.core.exceptions import ValidationError

    cam = in_ours.members[Role.CAM]
    with pytest.raises(ValidationError, match="Only program leaders"):
        allocation_set(
            actor=cam, fund=in_ours.fund, partner=in_ours.partner, amount=Decimal(1), reason="x"
        )
    with pytest.raises(ValidationError, match="Only program leaders"):
        allocations_by_tier(
            actor=cam, fund=in_ours.fund, tier=in_ours.tier, amount=Decimal(1), reason="x"
        )


def test_a_fund_in_another_currency_asks_for_the_tier_amount(in_ours, ours, ops):
    fund = fund_row(ours.tenant, "Dollar fund", currency="USD")
    tier, _partners = _tier_with_partners(ours.tenant, 1)
    response = ops.post(_url(fund, "by-tier/"), {"tier": tier.pk, "reason": "x"})
    assert "enter the amount in USD" in " ".join(response.context["form"].errors["amount"])


def test_the_allocations_csv_has_every_row_as_numbers(ours, ops):
    response = ops.get(f"/admin/mdf/funds/{ours.fund.pk}/allocations.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Partner"
    found = {row[0]: row for row in rows[1:]}
    assert found[ours.partner.name][4:9] == ["20000.00", "5000.00", "2000.00", "0.00", "13000.00"]
