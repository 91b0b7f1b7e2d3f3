"""The partner page's Earnings section: what the partner earned by kind, state and currency
(MDF reimbursements included), its latest lines, statements and open questions; a CAM sees it
for their partners only; the section costs the same queries at two ledger sizes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissions.models import Line
from commissions.overview import earnings_section
from commissions.tests.factories import line_row
from partners.tests.factories import PartnerFactory
from prm.money import format_money
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def page_of(partner) -> str:
    return reverse("admin:partners_partner_overview", args=[partner.pk])


def test_a_cam_reads_their_partner_s_earnings(in_ours, host_client):
    world = in_ours
    client = host_client(world.host, world.members[Role.CAM])
    page = client.get(page_of(world.partner)).content.decode()
    assert 'id="section-earnings"' in page
    assert format_money(world.line.amount, world.tenant.default_currency) in page
    assert "MDF reimbursements" in page
    assert world.statement.reference in page
    assert 'id="earnings-disputes"' in page
    assert reverse("admin:commissions_dispute_change", args=[world.dispute.pk]) in page
    assert 'id="earnings-next-payout"' in page
    # partner B is not the CAM's: its page answers as the partner page does
    assert client.get(page_of(world.other_partner)).status_code in (403, 404)


def test_partner_operations_see_it_for_every_partner(in_ours, host_client):
    world = in_ours
    client = host_client(world.host, world.members[Role.PARTNER_OPS])
    page = client.get(page_of(world.other_partner)).content.decode()
    assert 'id="section-earnings"' in page
    assert reverse("admin:commissions_dispute_change", args=[world.other_dispute.pk]) in page


def test_a_partner_without_earnings_says_so(in_ours, host_client):
    world = in_ours
    newcomer = PartnerFactory(tenant=world.tenant)
    section = earnings_section(newcomer, world.members[Role.PARTNER_OPS])
    assert section.context["money"].empty
    page = host_client(world.host, world.members[Role.PARTNER_OPS]).get(page_of(newcomer))
    assert 'id="earnings-empty"' in page.content.decode()


def test_the_section_costs_the_same_queries_at_two_ledger_sizes(in_ours):
    world = in_ours
    ops = world.members[Role.PARTNER_OPS]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            earnings_section(world.partner, ops)
        return len(ctx.captured_queries)

    small = count()
    for i in range(30):
        line_row(world.partner, Decimal(10 + i), source=Line.Source.SPIF, state=Line.State.PENDING)
        line_row(world.partner, "5", currency="USD" if i % 2 else world.tenant.default_currency)
    large = count()
    assert small == large
    assert large <= 8
