"""The ledger: balances move only with movements, and an allocation is never over-committed."""

from decimal import Decimal

import pytest
from django.db import transaction

from mdf import ledger
from mdf.models import Allocation, MdfRequest, Movement
from mdf.tests.factories import allocation_row, fund_row, request_row
from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = pytest.mark.django_db


def test_the_worlds_allocations_add_up_to_their_movements(in_ours):
    ours = in_ours
    for allocation in Allocation.objects.filter(tenant=ours.tenant):
        assert ledger.movements_add_up(allocation)
    ours.allocation.refresh_from_db()
    # 20,000 allocated: 5,000 held by the funded request (claim submitted), 2,000 claimed
    assert ours.allocation.allocated == Decimal("20000.00")
    assert ours.allocation.committed == Decimal("5000.00")
    assert ours.allocation.claimed == Decimal("2000.00")
    assert ours.allocation.available == Decimal("13000.00")


def test_a_commitment_beyond_what_is_available_is_refused_and_writes_nothing(in_ours):
    tenant = in_ours.tenant
    partner = PartnerFactory(tenant=tenant)
    rep = partner_membership(partner, Role.PARTNER_REP)
    allocation = allocation_row(fund_row(tenant, "Small fund"), partner, "1000")
    request = request_row(allocation, rep, amount="1500")
    before = Movement.objects.filter(allocation=allocation).count()
    with pytest.raises(ledger.LedgerError, match=r"1,000\.00 is available"), transaction.atomic():
        ledger.commit(request=request, amount=Decimal("1500"), actor=None, reason="too much")
    allocation.refresh_from_db()
    assert allocation.committed == 0
    assert Movement.objects.filter(allocation=allocation).count() == before


def test_a_reversal_undoes_its_line_once(in_ours):
    partner = PartnerFactory(tenant=in_ours.tenant)
    rep = partner_membership(partner, Role.PARTNER_REP)
    allocation = allocation_row(fund_row(in_ours.tenant, "Small fund"), partner, "1000")
    request = request_row(allocation, rep, status=MdfRequest.Status.APPROVED, amount="600")
    line = request.movements.get(kind=Movement.Kind.COMMITTED)
    with transaction.atomic():
        ledger.reverse(movement=line, actor=None, reason="approved by mistake")
    allocation.refresh_from_db()
    assert allocation.committed == 0
    assert ledger.held_by(request) == 0
    with pytest.raises(ledger.LedgerError), transaction.atomic():
        ledger.reverse(movement=line, actor=None, reason="again")
    assert ledger.movements_add_up(allocation)


def test_roi_counts_the_claimed_spend_against_the_linked_deals(in_ours):
    from deals.models import Deal
    from mdf.models import CampaignDeal
    from mdf.roi import partner_roi, request_roi

    ours = in_ours
    request = ours.due_claim.request
    won = ours.approved_deal
    Deal.objects.filter(pk=won.pk).update(
        status=Deal.Status.WON,
        holds_claim=False,
        won_amount=Decimal("9000"),
        currency=request.currency,
    )
    CampaignDeal.objects.create(tenant=ours.tenant, request=request, deal=won)
    roi = request_roi(request)
    assert roi.spend == Decimal("2000.00")
    assert roi.revenue == Decimal("9000.00")
    assert roi.revenue_ratio == Decimal("4.5")
    by_partner = partner_roi([ours.partner.pk], tenant_id=ours.tenant.pk)
    assert by_partner[(ours.partner.pk, request.currency)].revenue == Decimal("9000.00")
    assert by_partner[(ours.partner.pk, request.currency)].campaigns == 1
