"""The deals card on the partner's home: every statement is a link to what it counts — the
registration itself when there is one, the list of its status when there are several."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal, DealSettings
from deals.tests.factories import registered
from prm.tenancy.roles import Role

from .test_portal_leads import lead  # noqa: F401  (the fixture)
from .test_portal_views import approve, rep_client

pytestmark = pytest.mark.django_db


def _link(page: str, anchor_id: str) -> str | None:
    """The href of the home card's link with `anchor_id` (on the <a> or its <li>)."""
    found = re.search(rf'id="{anchor_id}"[^>]*>\s*(?:<i[^>]*></i>\s*)?<a[^>]*href="([^"]+)"', page)
    if found is None:
        found = re.search(rf'<a[^>]*id="{anchor_id}"[^>]*href="([^"]+)"', page) or re.search(
            rf'<a[^>]*href="([^"]+)"[^>]*id="{anchor_id}"', page
        )
    return found.group(1) if found else None


def _site(n: int) -> str:
    return f"customer{n}.example"


def test_one_registration_needing_information_links_to_it_two_to_their_list(ours, host_client):
    rep, cam = ours.members[Role.PARTNER_REP], ours.members[Role.CAM]
    with scope(tenant=ours.tenant):
        first = registered(rep, customer_website=_site(1))
        services.deal_request_info(actor=cam, deal=first, message="Which division?")
    page = rep_client(ours, host_client).get("/").content.decode()
    assert "1 needs more information" in page
    assert _link(page, "deals-info") == f"/deals/{first.pk}/"

    with scope(tenant=ours.tenant):
        second = registered(rep, customer_website=_site(2))
        services.deal_request_info(actor=cam, deal=second, message="Budget?")
    page = rep_client(ours, host_client).get("/").content.decode()
    assert "2 need more information" in page
    assert _link(page, "deals-info") == "/deals/?status=info_requested"


def test_an_overdue_decision_and_an_ending_protection_link_to_their_registrations(
    ours, host_client
):
    rep = ours.members[Role.PARTNER_REP]
    now = timezone.now()
    with scope(tenant=ours.tenant):
        waiting = registered(rep, customer_website=_site(1))
        Deal.objects.filter(pk=waiting.pk).update(sla_due_at=now - timedelta(hours=3))
        ending = [approve(ours, registered(rep, customer_website=_site(n))) for n in (2, 3)]
        Deal.objects.filter(pk=ending[0].pk).update(expires_at=now + timedelta(days=3))
    page = rep_client(ours, host_client).get("/").content.decode()
    assert _link(page, "deals-overdue") == f"/deals/{waiting.pk}/"
    assert _link(page, "deals-expiring") == f"/deals/{ending[0].pk}/"
    assert _link(page, "deals-open") == "/deals/"

    # The window is the tenant's expiry warning, as in the warning and the list's filter.
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=ending[1].pk).update(expires_at=now + timedelta(days=5))
        DealSettings.objects.filter(tenant=ours.tenant).update(expiry_warning_days=6)
    client = rep_client(ours, host_client)
    page = client.get("/").content.decode()
    assert "2 protections end within 6 days" in page
    assert _link(page, "deals-expiring") == "/deals/?expiring=1"
    listed = client.get("/deals/?expiring=1").content.decode()
    assert all(deal.reference in listed for deal in ending)
    assert waiting.reference not in listed


def test_the_statements_a_member_cannot_open_are_not_there(ours, host_client):
    """Nothing waiting: no statement, so no link to an empty list."""
    page = rep_client(ours, host_client).get("/").content.decode()
    assert "0 open registrations" in page
    for anchor in ("deals-info", "deals-overdue", "deals-expiring"):
        assert f'id="{anchor}"' not in page


def test_the_leads_heading_links_to_the_leads(ours, host_client, lead):  # noqa: F811
    page = host_client(ours.host, ours.members[Role.PARTNER_ADMIN]).get("/").content.decode()
    assert re.search(r'id="deals-leads-heading"[^>]*>.*?<a href="/deals/leads/">', page, re.S)
