"""SPIF campaigns in the admin UI (the form's checks, what a campaign with awards keeps, its
budget and awards) and the sign-off queue (approve, decline with a reason, bulk approve after a
confirm page), with who may do what."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.models import Line, SpifAward, SpifCampaign
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/admin/commissions/spifcampaign/"
QUEUE = "/admin/commissions/incentives/spif-awards/"


def _form(world, **changes):
    today = timezone.localdate()
    data = {
        "name": "Summer push",
        "description": "",
        "starts_on": today.isoformat(),
        "ends_on": today.replace(day=28).isoformat() if today.day < 28 else today.isoformat(),
        "segment": "",
        "rule": "threshold",
        "product": "",
        "threshold": "20000",
        "reward": "fixed",
        "amount": "250",
        "rate": "",
        "currency": world.tenant.default_currency,
        "budget": "5000",
        "sign_off": "automatic",
    }
    data.update(changes)
    return data


def test_partner_ops_create_a_campaign(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(f"{CAMPAIGNS}add/", _form(ours))
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scope(tenant=ours.tenant):
        campaign = SpifCampaign.objects.get(name="Summer push")
    assert campaign.amount == Decimal("250")
    assert campaign.awarded == 0
    assert campaign.created_by == ours.members[Role.PARTNER_OPS].user


def test_a_product_rule_without_a_product_is_said_beside_the_product(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(f"{CAMPAIGNS}add/", _form(ours, rule="product", threshold=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "product" in errors


def test_a_campaign_with_awards_keeps_its_rule_and_shows_its_budget(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(f"{CAMPAIGNS}{ours.spif.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="spif-budget-bar"' in body
    assert "<progress" in body
    assert 'id="spif-fixed-note"' in body
    assert ours.partner.name in body
    assert ours.other_partner.name in body
    assert "rule" not in response.context["adminform"].form.fields


def test_the_budget_cannot_go_below_what_is_awarded(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    with scope(tenant=ours.tenant):
        data = _form(ours, name=ours.spif.name, budget="100")
    for fixed in ("rule", "product", "threshold", "reward", "amount", "rate", "currency"):
        data.pop(fixed)
    response = client.post(f"{CAMPAIGNS}{ours.spif.pk}/change/", data)
    assert response.status_code == 200
    assert "budget" in response.context["adminform"].form.errors


@pytest.mark.parametrize("role", [Role.CAM, Role.PARTNER_ADMIN, Role.PARTNER_REP])
def test_who_does_not_manage_commissions_does_not_see_campaigns(ours, host_client, role):
    client = host_client(ours.host, ours.members[role])
    assert client.get(CAMPAIGNS).status_code in (403, 404, 302)


def test_the_queue_lists_the_waiting_awards(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert {a.pk for a in response.context["awards"]} == {
        ours.spif_award.pk,
        ours.other_spif_award.pk,
    }


def test_approving_an_award_posts_its_line(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"{QUEUE}{ours.spif_award.pk}/approve/"
    assert client.get(url).status_code == 200  # the confirm page
    response = client.post(url, {})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        award = SpifAward.objects.get(pk=ours.spif_award.pk)
        assert award.status == SpifAward.Status.APPLIED
        assert award.line.source == Line.Source.SPIF
        assert award.line.key == f"spif:{award.pk}"
        assert award.decided_by == ours.members[Role.PARTNER_OPS].user


def test_declining_needs_a_reason_and_gives_the_budget_back(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"{QUEUE}{ours.spif_award.pk}/decline/"
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    with scope(tenant=ours.tenant):
        before = SpifCampaign.objects.get(pk=ours.spif.pk).awarded
    response = client.post(url, {"reason": "Deal booked twice"})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        award = SpifAward.objects.get(pk=ours.spif_award.pk)
        assert award.status == SpifAward.Status.DECLINED
        assert award.reserved == 0
        assert SpifCampaign.objects.get(pk=ours.spif.pk).awarded == before - award.amount


def test_a_decided_award_cannot_be_decided_again(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    client.post(f"{QUEUE}{ours.spif_award.pk}/approve/", {})
    response = client.post(f"{QUEUE}{ours.spif_award.pk}/decline/", {"reason": "Late"})
    assert response.status_code == 200
    assert "cannot be declined" in response.content.decode()


def test_bulk_approve_shows_a_confirm_page_first(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    ticked = [ours.spif_award.pk, ours.other_spif_award.pk]
    response = client.post(QUEUE, {"award": ticked, "review": "1"})
    assert response.status_code == 200
    assert len(response.context["awards"]) == 2
    with scope(tenant=ours.tenant):
        assert SpifAward.objects.filter(pk__in=ticked, status="waiting").count() == 2
    response = client.post(QUEUE, {"award": ticked, "confirm": "1"})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert SpifAward.objects.filter(pk__in=ticked, status="applied").count() == 2


def test_another_tenants_award_is_not_found(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert client.get(f"{QUEUE}{theirs.spif_award.pk}/approve/").status_code == 404
    assert client.post(QUEUE, {"award": [theirs.spif_award.pk], "confirm": "1"}).status_code == 302
    with scope(tenant=theirs.tenant):
        assert SpifAward.objects.get(pk=theirs.spif_award.pk).status == "waiting"


@pytest.mark.parametrize("role", [Role.CAM, Role.PARTNER_ADMIN])
def test_who_may_not_sign_off_is_refused(ours, host_client, role):
    client = host_client(ours.host, ours.members[role])
    assert client.get(QUEUE).status_code in (403, 404, 302)
    assert client.post(f"{QUEUE}{ours.spif_award.pk}/approve/", {}).status_code in (403, 404, 302)


def test_the_todo_card_counts_the_waiting_awards(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get("/admin/")
    cards = {card.key: card for card in response.context["todo_cards"]}
    assert cards["commissions_spif_awards"].waiting == 2
