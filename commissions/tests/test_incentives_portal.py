"""The portal's incentives page: the campaigns the company can earn now (budget shown only as
limited or used up), its awards (a rep's own, when the tenant lets reps see earnings), its
rewards; never another partner's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from commissions.models import CommissionSettings, SpifCampaign
from partners.models import Segment
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

URL = "/earnings/incentives/"


def test_a_partner_admin_sees_the_campaign_its_awards_and_its_rewards(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert ours.spif.name in body
    assert "Limited budget" in body
    assert ours.reward.title in body
    assert [a.pk for a in response.context["page"].object_list] == [ours.spif_award.pk]
    # what other partners were awarded is never said
    with scope(tenant=ours.tenant):
        assert f"{ours.spif.awarded}" not in body
    assert ours.other_partner.name not in body


def test_a_rep_sees_the_campaigns_but_not_the_awards_unless_the_tenant_allows(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert 'id="awards-hidden"' in response.content.decode()
    with scope(tenant=ours.tenant):
        CommissionSettings.objects.filter(tenant=ours.tenant).update(reps_see_earnings=True)
    response = client.get(URL)
    # the world's award is for a deal the rep registered
    owned = list(response.context["page"].object_list)
    assert owned
    assert all(a.deal.owner_id == ours.members[Role.PARTNER_REP].pk for a in owned)


def test_a_campaign_of_another_segment_or_ended_is_not_offered(ours, host_client):
    with scope(tenant=ours.tenant):
        segment = Segment.objects.create(tenant=ours.tenant, name="Elsewhere", regions=["Mars"])
        SpifCampaign.objects.filter(pk=ours.spif.pk).update(segment=segment)
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    response = client.get(URL)
    assert response.context["running"] == []
    assert 'id="no-campaigns"' in response.content.decode()
    with scope(tenant=ours.tenant):
        SpifCampaign.objects.filter(pk=ours.spif.pk).update(
            segment=None, ends_on=timezone.localdate() - timedelta(days=1)
        )
    assert client.get(URL).context["running"] == []


def test_a_campaign_whose_budget_is_spent_says_so(ours, host_client):
    with scope(tenant=ours.tenant):
        SpifCampaign.objects.filter(pk=ours.spif.pk).update(budget=ours.spif.awarded)
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    body = client.get(URL).content.decode()
    assert "Budget used up" in body


def test_the_empty_awards_say_what_earns_one(ours, host_client):
    client = host_client(ours.host, ours.other_partner_admin)
    with scope(tenant=ours.tenant):
        from commissions.models import SpifAward

        SpifAward.objects.filter(pk=ours.other_spif_award.pk).update(status="declined")
        SpifAward.objects.filter(pk=ours.other_spif_award.pk).delete()
        SpifCampaign.objects.filter(pk=ours.spif.pk).update(
            awarded=ours.spif.awarded - Decimal("500")
        )
    body = client.get(URL).content.decode()
    assert 'id="no-awards"' in body
    assert "Register and win deals before" in body


def test_vendor_staff_and_anonymous_do_not_reach_the_page(ours, host_client):
    assert host_client(ours.host).get(URL).status_code in (302, 403)
    assert host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(URL).status_code in (
        302,
        403,
        404,
    )
