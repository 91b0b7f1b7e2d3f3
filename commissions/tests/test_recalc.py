"""Recalculating a period: the differences previewed, posted once per run, and the page."""

import csv
import io
import uuid
from decimal import Decimal

import pytest
from django_scopes import scope

from commissions.models import Line, TypeRate
from commissions.services import recalc
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _period(world):
    return recalc.period_of("month", world.won_deal.closed_on)


def _raise_resellers(world, rate="20"):
    TypeRate.objects.filter(version=world.plan_version, partner_type=world.partner_type).update(
        rate=Decimal(rate)
    )


def test_a_ledger_that_agrees_with_the_plan_has_no_difference(in_ours):
    found = recalc.recalculate(in_ours.tenant, _period(in_ours))
    assert found.deals >= 2
    assert found.differences == []


def test_a_changed_rate_lists_the_deal_with_its_correction(in_ours):
    _raise_resellers(in_ours)
    found = recalc.recalculate(in_ours.tenant, _period(in_ours))
    assert [d.deal_id for d in found.differences] == [in_ours.won_deal.pk]
    diff = found.differences[0]
    assert diff.standing == {in_ours.line.currency: in_ours.line.amount}
    assert diff.should == in_ours.line.amount * 2  # 20% instead of 10%
    assert found.totals == {in_ours.line.currency: in_ours.line.amount}
    assert "version 1 gives" in diff.why


def test_posting_reverses_and_posts_once_per_run(in_ours, ops):
    _raise_resellers(in_ours)
    period = _period(in_ours)
    run = uuid.uuid4()
    assert recalc.recalc_post(actor=ops, period=period, run=run) == 1
    new = Line.objects.get(key=f"recalc:{in_ours.won_deal.pk}:{run}")
    assert new.amount == in_ours.line.amount * 2
    assert new.reason.startswith("Recalculated ")
    reversal = Line.objects.get(reverses=in_ours.line)
    assert reversal.amount == -in_ours.line.amount
    # the same confirm form sent again posts nothing
    assert recalc.recalc_post(actor=ops, period=period, run=run) == 0
    assert recalc.recalculate(in_ours.tenant, period).differences == []
    assert AuditEvent.objects.filter(action="commissions.recalc.posted").count() == 1


def test_the_type_recorded_on_the_line_counts_not_todays(in_ours):
    in_ours.partner.partner_type = None
    in_ours.partner.save(update_fields=["partner_type"])
    # the line recorded the reseller type: still 10%, no difference
    assert recalc.recalculate(in_ours.tenant, _period(in_ours)).differences == []


def test_the_page_previews_lists_and_posts(ours, host_client):
    with scope(tenant=ours.tenant):
        _raise_resellers(ours)
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = "/admin/commissions/plan/recalculate/"
    assert client.get(url).status_code == 200
    query = {"kind": "month", "day": ours.won_deal.closed_on.isoformat()}
    response = client.get(url, query)
    body = response.content.decode()
    assert ours.won_deal.reference in body
    assert 'id="recalc-submit"' in body
    csv_response = client.get(url, {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode())))
    assert rows[1][0] == ours.won_deal.reference
    post = response.context["post_form"]
    data = {name: post[name].value() for name in post.fields}
    data["day"] = ours.won_deal.closed_on.isoformat()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    with scope(tenant=ours.tenant):
        assert Line.objects.filter(key__startswith=f"recalc:{ours.won_deal.pk}:").count() == 1


def test_a_cam_may_not_recalculate(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    assert client.get("/admin/commissions/plan/recalculate/").status_code == 403
