"""Rewards that are not money: given from the admin UI (audited, the partner's admins told),
the partner page's section with its "Give a reward" link, shown only to the partner's users."""

import pytest
from django.urls import reverse
from django_scopes import scope

from commissions.incentives.rewards import reward_give, rewards_visible_to
from commissions.models import Reward
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_partner_ops_give_a_reward_and_the_partner_is_told(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = "/admin/commissions/reward/add/"
    page = client.get(url, {"partner": ours.partner.pk})
    assert page.context["adminform"].form.initial["partner"] == ours.partner.pk
    response = client.post(
        url,
        {"partner": ours.partner.pk, "kind": "event", "title": "Partner summit in Lisbon",
         "note": "Two seats for your team.", "given_on": "2026-11-02", "campaign": "",
         "form_token": page.context["adminform"].form.initial.get("form_token", "")},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scope(tenant=ours.tenant):
        reward = Reward.objects.get(title="Partner summit in Lisbon")
        assert reward.given_by == ours.members[Role.PARTNER_OPS].user
        assert AuditEvent.objects.filter(
            action="commissions.reward.given", object_id=reward.pk
        ).exists()
        assert Notification.objects.filter(
            recipient=ours.members[Role.PARTNER_ADMIN].user, title__contains="Lisbon"
        ).exists()


def test_only_partner_operations_give_rewards(in_ours):
    with pytest.raises(Exception, match="partner operations"):
        reward_give(
            actor=in_ours.members[Role.CAM], partner=in_ours.partner, kind="recognition",
            title="x", note="", given_on=in_ours.reward.given_on,
        )  # fmt: skip


def test_each_partner_sees_its_own_rewards_only(in_ours):
    admin = in_ours.members[Role.PARTNER_ADMIN]
    assert list(rewards_visible_to(admin)) == [in_ours.reward]
    assert set(rewards_visible_to(in_ours.members[Role.PARTNER_OPS])) >= {
        in_ours.reward,
        in_ours.other_reward,
    }


def test_the_partner_page_shows_the_rewards_and_the_give_link(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.get(reverse("admin:partners_partner_overview", args=[ours.partner.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert ours.reward.title in body
    assert f"/admin/commissions/reward/add/?partner={ours.partner.pk}" in body
