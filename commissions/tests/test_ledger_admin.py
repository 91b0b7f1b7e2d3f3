"""The ledger in the admin UI: the list with its filters, a line's trace, a CAM's narrower
view, and the approve, reverse and adjustment pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.models import Line
from prm.submissions.tokens import new_token
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

LIST = "/admin/commissions/line/"


def test_the_ledger_lists_lines_with_money_and_state(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert ours.won_deal.reference in body
    assert ours.other_partner.name in body
    assert "€" in body
    response = client.get(LIST, {"partner": ours.partner.pk, "source": "deal"})
    ids = {line.pk for line in response.context["cl"].result_list}
    assert ids == {ours.line.pk}


def test_the_ledger_searches_by_deal_reference(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(LIST, {"q": ours.won_deal.reference})
    assert [line.pk for line in response.context["cl"].result_list] == [ours.line.pk]


def test_a_bad_month_filter_is_refused_not_a_server_error(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert client.get(LIST, {"month": "20x6-99"}).status_code in (200, 302)


def test_a_cam_sees_only_their_partners_lines_and_404_for_others(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    body = client.get(LIST).content.decode()
    assert ours.won_deal.reference in body
    assert ours.other_won_deal.reference not in body
    assert client.get(f"{LIST}{ours.other_line.pk}/change/").status_code == 404
    assert client.get(f"{LIST}{ours.line.pk}/change/").status_code == 200


def test_a_lines_page_is_its_trace(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(f"{LIST}{ours.line.pk}/change/")
    body = response.content.decode()
    assert ours.won_deal.reference in body
    assert "Plan version 1:" in body  # engine.explain
    assert "This rate looks wrong." in body  # the dispute's message
    assert 'id="line-reverse"' in body


def test_the_approve_page_counts_and_approves_the_due_lines(ours, host_client):
    with scope(tenant=ours.tenant):
        Line.objects.filter(pk=ours.other_line.pk).update(
            hold_until=timezone.localdate() + timedelta(days=3)
        )
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = "/admin/commissions/ledger/approve/"
    response = client.get(url, {"state": "pending"})
    assert response.context["count"] == 1  # the other line is still held
    response = client.post(url + "?state=pending", {})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Line.objects.get(pk=ours.line.pk).state == Line.State.APPROVED
        assert Line.objects.get(pk=ours.other_line.pk).state == Line.State.PENDING


def test_the_reverse_page_needs_a_reason(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/commissions/ledger/line/{ours.line.pk}/reverse/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Booked twice"})
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Line.objects.filter(reverses=ours.line, reason="Booked twice").exists()


def test_the_adjustment_page_posts_an_adjustment(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = "/admin/commissions/ledger/adjustment/"
    assert client.get(url).status_code == 200
    data = {
        "partner": ours.partner.pk, "amount": "0", "currency": "EUR", "earned_on": "",
        "reason": "Goodwill", "form_token": new_token(),
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    data["amount"] = "150"
    response = client.post(url, data)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Line.objects.filter(source="adjustment", reason="Goodwill").count() == 1


def test_a_cam_cannot_post_an_adjustment_for_another_partner(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get("/admin/commissions/ledger/adjustment/").status_code == 403


def test_the_selected_lines_go_to_the_approve_page(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(LIST, {"action": "approve_selected", "_selected_action": [ours.line.pk]})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/commissions/ledger/approve/?ids={ours.line.pk}")
    response = client.get("/admin/commissions/ledger/approve/", {"ids": f"{ours.line.pk},x"})
    assert response.context["count"] == 1
