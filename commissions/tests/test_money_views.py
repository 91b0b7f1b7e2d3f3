"""The portal's money pages: the money view, its navigation entry and home card, the per-deal
breakdown and a line's page; who sees what (a rep only when the tenant allows, and then only
their own deals')."""

from decimal import Decimal

import pytest
from django.urls import reverse

from commissions import ledger
from commissions.models import Line, SpifAward
from commissions.setup import commission_settings
from commissions.tests.factories import line_row, won_deal_row
from partners.tests.factories import PartnerFactory
from prm.money import format_money
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership

pytestmark = pytest.mark.django_db

MONEY = "/earnings/"


def show_reps(world, on: bool = True) -> None:
    settings = commission_settings(world.tenant)
    settings.reps_see_earnings = on
    settings.save(update_fields=["reps_see_earnings"])


def admin_of(world):
    return world.members[Role.PARTNER_ADMIN]


def test_the_money_view_shows_each_state_the_next_payout_and_the_latest_lines(in_ours, host_client):
    world = in_ours
    page = host_client(world.host, admin_of(world)).get(MONEY).content.decode()
    currency = world.tenant.default_currency
    assert "Your company&#x27;s earnings" in page or "Your company's earnings" in page
    assert format_money(world.line.amount, currency) in page  # pending commission
    assert format_money(Decimal("1200"), currency) in page  # the approved statement
    assert 'id="next-payout"' in page
    assert "Next payout on" in page
    assert reverse("commissions:line", args=[world.line.pk]) in page
    assert "MDF reimbursements" in page
    assert "Commissions" in page
    assert "Adjustments" in page
    assert reverse("commissions:deals") in page
    # another partner's line is not listed
    assert reverse("commissions:line", args=[world.other_line.pk]) not in page


def test_the_money_view_says_what_to_do_when_nothing_was_earned(in_ours, host_client):
    world = in_ours
    newcomer = partner_membership(PartnerFactory(tenant=world.tenant), Role.PARTNER_ADMIN)
    page = host_client(world.host, newcomer).get(MONEY).content.decode()
    assert 'id="money-empty"' in page
    assert "Nothing earned yet" in page
    assert 'id="latest-empty"' in page


def test_a_rep_gets_403_and_no_entry_while_the_tenant_hides_earnings(in_ours, host_client):
    world = in_ours
    client = host_client(world.host, world.members[Role.PARTNER_REP])
    assert client.get(MONEY).status_code == 403
    assert client.get(reverse("commissions:deals")).status_code == 403
    assert client.get(reverse("commissions:line", args=[world.line.pk])).status_code == 403
    home = client.get("/").content.decode()
    assert MONEY not in home
    assert 'id="earnings-card"' not in home


def test_a_rep_sees_only_their_own_deals_money_when_the_tenant_allows(in_ours, host_client):
    world = in_ours
    show_reps(world)
    rep = world.members[Role.PARTNER_REP]
    client = host_client(world.host, rep)
    page = client.get(MONEY).content.decode()
    assert "Your earnings" in page
    assert reverse("commissions:line", args=[world.line.pk]) in page
    statement_line = world.statement.lines.get()
    assert reverse("commissions:line", args=[statement_line.pk]) not in page
    assert client.get(reverse("commissions:line", args=[statement_line.pk])).status_code == 404
    assert client.get(reverse("commissions:line", args=[world.line.pk])).status_code == 200
    home = client.get("/").content.decode()
    assert f'href="{MONEY}"' in home
    assert 'id="earnings-card"' in home
    # a rep does not question lines: that is the company admins' part
    assert client.get(reverse("commissions:dispute_new", args=[world.line.pk])).status_code == 403


def test_the_partner_admin_s_home_card_and_navigation(in_ours, host_client):
    world = in_ours
    home = host_client(world.host, admin_of(world)).get("/").content.decode()
    assert 'id="earnings-card"' in home
    assert "pending" in home
    assert 'id="earnings-next-payout"' in home
    assert f'href="{MONEY}"' in home


def test_the_line_page_traces_the_line(in_ours, host_client):
    world = in_ours
    client = host_client(world.host, admin_of(world))
    page = client.get(reverse("commissions:line", args=[world.line.pk])).content.decode()
    assert 'id="line-how"' in page
    assert "Plan version 1" in page
    assert world.won_deal.reference in page
    assert "This rate looks wrong." in page  # the world's dispute
    assert reverse("commissions:dispute_new", args=[world.line.pk]) in page
    assert client.get(reverse("commissions:line", args=[world.other_line.pk])).status_code == 404


def test_a_reversed_line_shows_its_reversal_and_reason(in_ours, host_client):
    world = in_ours
    reversal = ledger.reverse(line=world.line, actor=None, reason="Customer cancelled")
    client = host_client(world.host, admin_of(world))
    page = client.get(reverse("commissions:line", args=[world.line.pk])).content.decode()
    assert 'id="line-reversal"' in page
    assert "Customer cancelled" in page
    back = client.get(reverse("commissions:line", args=[reversal.pk])).content.decode()
    assert "Reversal" in back
    assert reverse("commissions:line", args=[world.line.pk]) in back


def test_the_deals_breakdown_nets_reversals_and_lists_spif_awards(in_ours, host_client):
    world = in_ours
    rep = world.members[Role.PARTNER_REP]
    corrected = won_deal_row(world.partner, rep, amount="2000")
    first = line_row(world.partner, "200", source=Line.Source.DEAL, deal=corrected, owner=rep)
    ledger.reverse(line=first, actor=None, reason="Amount corrected")
    line_row(world.partner, "150", source=Line.Source.DEAL, deal=corrected, owner=rep)
    client = host_client(world.host, admin_of(world))
    page = client.get(reverse("commissions:deals")).content.decode()
    currency = world.tenant.default_currency
    assert f'id="deal-{corrected.pk}"' in page
    assert format_money(Decimal("150"), currency) in page
    assert "net of reversals" in page
    assert f'id="deal-{world.won_deal.pk}"' in page
    assert SpifAward.objects.get(pk=world.spif_award.pk).campaign.name in page
    assert f'id="deal-{world.other_won_deal.pk}"' not in page
    assert reverse("deals:detail", args=[corrected.pk]) in page


def test_a_rep_s_breakdown_lists_their_own_deals_only(in_ours, host_client):
    world = in_ours
    show_reps(world)
    teammate = partner_membership(world.partner, Role.PARTNER_REP)
    theirs = won_deal_row(world.partner, teammate, amount="3000")
    line_row(world.partner, "300", source=Line.Source.DEAL, deal=theirs, owner=teammate)
    page = (
        host_client(world.host, world.members[Role.PARTNER_REP])
        .get(reverse("commissions:deals"))
        .content.decode()
    )
    assert f'id="deal-{world.won_deal.pk}"' in page
    assert f'id="deal-{theirs.pk}"' not in page


def test_the_breakdown_says_what_to_do_when_empty(in_ours, host_client):
    world = in_ours
    newcomer = partner_membership(PartnerFactory(tenant=world.tenant), Role.PARTNER_ADMIN)
    page = host_client(world.host, newcomer).get(reverse("commissions:deals")).content.decode()
    assert 'id="deals-empty"' in page


def test_staff_are_sent_to_the_admin_ui(in_ours, host_client):
    world = in_ours
    response = host_client(world.host, world.members[Role.CAM]).get(MONEY)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
