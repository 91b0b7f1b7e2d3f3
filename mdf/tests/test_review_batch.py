"""The batch review of a collect-ahead fund's waiting requests: the totals follow the ticks,
and approving the ticked ones decides each on its own."""

from decimal import Decimal

import pytest
from django_scopes import scope

from mdf.models import Allocation, Fund, MdfRequest
from mdf.tests.factories import request_row
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return f"/admin/mdf/review/fund/{world.fund.pk}/batch-review/"


@pytest.fixture
def ahead(ours):
    """The world's fund collects ahead; partner A has three waiting requests: 5,000 (the
    world's), 6,000 and 4,000 against 13,000 available."""
    with scope(tenant=ours.tenant):
        Fund.objects.filter(pk=ours.fund.pk).update(collect_ahead=True)
        rep = ours.members[Role.PARTNER_REP]
        six = request_row(ours.allocation, rep, amount="6000", title="Six")
        four = request_row(ours.allocation, rep, amount="4000", title="Four")
    return ours.mdf_request, six, four


def test_the_page_lists_the_waiting_requests_and_the_queue_links_to_it(ours, ahead, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    html = cam.get(url(ours)).content.decode()
    for r in ahead:
        assert f'name="amount-{r.pk}" value="{r.amount:.2f}"' in html
    assert ours.other_mdf_request.reference not in html  # not the CAM's partner
    assert "13,000.00" in html
    assert (
        f"/admin/mdf/review/fund/{ours.fund.pk}/batch-review/"
        in cam.get("/admin/mdf/mdfrequest/").content.decode()
    )


def test_the_totals_follow_the_ticks_without_approving(ours, ahead, host_client):
    first, six, four = ahead
    cam = host_client(ours.host, ours.members[Role.CAM])
    data = {"approve": [first.pk, six.pk, four.pk], f"amount-{six.pk}": "6000"}
    partial = cam.post(url(ours), data, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="batch-totals"' in partial
    assert "<html" not in partial
    assert "15,000.00" in partial  # ticked
    assert "prm-badge-failed" in partial  # more than the allocation's 13,000
    # without JavaScript: the Recalculate button
    page = cam.post(url(ours), {**data, "recalculate": "1"}).content.decode()
    assert "15,000.00" in page
    with scope(tenant=ours.tenant):
        assert set(
            MdfRequest.objects.filter(pk__in=[r.pk for r in ahead]).values_list("status", flat=True)
        ) == {"submitted"}


def test_approving_the_ticked_ones_decides_each_and_reports_the_refusals(ours, ahead, host_client):
    first, six, four = ahead
    cam = host_client(ours.host, ours.members[Role.CAM])
    response = cam.post(
        url(ours),
        {
            "approve": [first.pk, six.pk, four.pk],
            f"amount-{first.pk}": "5000",
            f"amount-{six.pk}": "6000",
            f"amount-{four.pk}": "4000",
            "approve_ticked": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 requests approved" in html
    assert "1 request was refused" in html
    assert "Not enough left in the allocation" in html
    with scope(tenant=ours.tenant):
        statuses = dict(
            MdfRequest.objects.filter(pk__in=[r.pk for r in ahead]).values_list("pk", "status")
        )
        assert sorted(statuses.values()) == ["approved", "approved", "submitted"]
        allocation = Allocation.objects.get(pk=ours.allocation.pk)
        assert allocation.committed <= allocation.allocated
        assert allocation.available == Decimal("13000") - Decimal("11000")


def test_an_empty_batch_says_so(ours, host_client):
    with scope(tenant=ours.tenant):
        MdfRequest.objects.filter(tenant=ours.tenant, status="submitted").update(status="withdrawn")
    html = host_client(ours.host, ours.members[Role.CAM]).get(url(ours)).content.decode()
    assert 'id="empty-batch"' in html
