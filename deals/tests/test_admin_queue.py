"""The CAM's queue of registrations and the read-only decision screen in the admin UI."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import ProtectedAccountFactory, registered
from prm.money import format_money
from prm.tenancy.roles import Role

QUEUE = "/admin/deals/deal/"


def change_url(deal) -> str:
    return f"/admin/deals/deal/{deal.pk}/change/"


@pytest.fixture
def two_deals(ours):
    """A registration of partner A (the CAM's) and one of partner B (not the CAM's)."""
    with scope(tenant=ours.tenant):
        mine = registered(ours.members[Role.PARTNER_REP], customer_name="Alpine Ski Works",
                          customer_website="alpineski.example")  # fmt: skip
        other = registered(ours.other_partner_rep, customer_name="Boreal Boats",
                           customer_website="borealboats.example")  # fmt: skip
    return mine, other


@pytest.mark.django_db
def test_the_cams_queue_shows_only_the_assigned_partners_registrations(
    ours, two_deals, host_client
):
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    assert "Alpine Ski Works" in page
    assert "Boreal Boats" not in page
    assert ours.other_partner.name not in page  # not even in the partner filter
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(QUEUE)
    assert "Boreal Boats" in leader.content.decode()


@pytest.mark.django_db
def test_the_queue_lists_the_most_urgent_registration_first(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        later = registered(rep, customer_name="Later Corp", customer_website="later.example")
        sooner = registered(rep, customer_name="Sooner Corp", customer_website="sooner.example")
        Deal.objects.filter(pk=sooner.pk).update(sla_due_at=later.sla_due_at - timedelta(hours=5))
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    assert page.index("Sooner Corp") < page.index("Later Corp")


@pytest.mark.django_db
def test_the_queue_opens_on_waiting_registrations_and_all_shows_decided_ones(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        registered(rep, customer_name="Waiting Corp", customer_website="waiting.example")
        decided = registered(rep, customer_name="Decided Corp", customer_website="decided.example")
        Deal.objects.filter(pk=decided.pk).update(status=Deal.Status.REJECTED, holds_claim=False)
        registered(rep, submit=False, customer_name="Draft Corp", customer_website="draft.example")
    cam = host_client(ours.host, ours.members[Role.CAM])
    queue = cam.get(QUEUE).content.decode()
    assert "Waiting Corp" in queue
    assert "Decided Corp" not in queue
    assert "Waiting for a decision" in queue
    everything = cam.get(QUEUE, {"status": "all"}).content.decode()
    assert "Waiting Corp" in everything
    assert "Decided Corp" in everything
    assert "Draft Corp" not in everything  # a draft is the partner's own until submitted


@pytest.mark.django_db
def test_an_empty_queue_says_what_to_do_next(ours, host_client):
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    assert 'id="empty-queue"' in page


@pytest.mark.django_db
def test_the_queues_introduction_counts_what_the_queue_shows(ours, two_deals, host_client):
    with scope(tenant=ours.tenant):
        registered(ours.members[Role.PARTNER_REP], customer_name="Second Waiting Co",
                   customer_website="second-waiting.example")  # fmt: skip
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get(QUEUE).content.decode()
    assert "3 registrations wait for a decision, the most urgent first." in page
    assert "Nothing is waiting" not in page
    cam_page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    assert "2 registrations wait for a decision" in cam_page  # the CAM's partner's two
    narrowed = leader.get(QUEUE, {"q": "Second Waiting"}).content.decode()
    assert "1 registration waits for a decision among those the filters" in narrowed


@pytest.mark.django_db
def test_a_search_that_leaves_nothing_waiting_says_so_not_that_nothing_waits(
    ours, two_deals, host_client
):
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE, {"q": "nothing-like-it"})
    text = page.content.decode()
    assert 'id="empty-filtered"' in text
    assert 'id="empty-queue"' not in text
    everything = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE, {"status": "expired"})
    assert 'id="empty-list"' in everything.content.decode()


@pytest.mark.django_db
def test_the_export_button_sits_beside_the_introduction_not_over_it(ours, two_deals, host_client):
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    head = page.index('class="prm-list-head"')
    assert head < page.index('id="queue-intro"') < page.index('id="csv-export"')
    assert page.index('id="csv-export"') < page.index('id="changelist"')
    assert 'class="object-tools"' not in page  # Django's floating tools, which overlapped it


@pytest.mark.django_db
def test_the_queue_shows_the_key_columns_first(ours, two_deals, host_client):
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    start = page.index('id="result_list"')
    headers = page[start : page.index("</thead>", start)]
    labels = ("Registration", "Status", "Decision target", "Conflict", "Partner", "Amount")
    order = [headers.index(label) for label in labels]
    assert order == sorted(order)


@pytest.mark.django_db
def test_a_conflict_shows_on_both_registrations_in_the_queue(ours, host_client):
    with scope(tenant=ours.tenant):
        earlier = registered(ours.members[Role.PARTNER_REP], customer_name="Contested Co",
                             customer_website="contested.example")  # fmt: skip
        later = registered(ours.other_partner_rep, customer_name="Contested Co",
                           customer_website="contested.example")  # fmt: skip
    assert later.conflict_with_id == earlier.pk
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get(QUEUE).content.decode()
    rows = {ref: page[page.index(ref) : page.index("</tr>", page.index(ref))]
            for ref in (earlier.reference, later.reference)}  # fmt: skip
    assert ">contested<" in rows[earlier.reference]
    assert ">conflict<" in rows[later.reference]
    contested = leader.get(QUEUE, {"match": "contested"}).content.decode()
    assert earlier.reference in contested
    assert later.reference not in contested
    # Once the later one is decided, the earlier one is no longer contested.
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=later.pk).update(status=Deal.Status.REJECTED)
    assert ">contested<" not in leader.get(QUEUE).content.decode()


@pytest.mark.django_db
def test_the_queue_shows_amount_sla_and_conflict_badges(ours, host_client):
    with scope(tenant=ours.tenant):
        first = registered(ours.other_partner_rep)
        conflict = registered(ours.members[Role.PARTNER_REP], customer_name="Tailspin Toys")
        Deal.objects.filter(pk=conflict.pk).update(sla_due_at=timezone.now() - timedelta(days=3))
    assert conflict.conflict_with_id == first.pk
    page = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE).content.decode()
    assert format_money(Decimal("48000"), "EUR") in page
    assert "prm-badge-conflict" in page
    assert "overdue by" in page
    conflicts = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE, {"match": "conflict"})
    assert conflict.reference in conflicts.content.decode()
    clear = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE, {"match": "clear"})
    assert conflict.reference not in clear.content.decode()
    overdue = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE, {"overdue": "yes"})
    assert conflict.reference in overdue.content.decode()


@pytest.mark.django_db
def test_the_queue_searches_customer_domain_email_and_reference(ours, two_deals, host_client):
    mine, _other = two_deals
    cam = host_client(ours.host, ours.members[Role.CAM])
    for term in ("alpine", "alpineski.example", "terry@tailspintoys", mine.reference):
        page = cam.get(QUEUE, {"q": term, "status": "all"}).content.decode()
        assert "Alpine Ski Works" in page, term
    assert "Alpine Ski Works" not in cam.get(QUEUE, {"q": "nothing-like-it"}).content.decode()


@pytest.mark.django_db
def test_the_decision_screen_shows_candidate_matches_with_scores(ours, host_client):
    with scope(tenant=ours.tenant):
        account = ProtectedAccountFactory(
            tenant=ours.tenant, name="Tailspin Toys", domain="tailspintoys.example", owner="Dana"
        )
        holder = registered(ours.other_partner_rep)
        deal = registered(ours.members[Role.PARTNER_REP])
    page = host_client(ours.host, ours.members[Role.CAM]).get(change_url(deal)).content.decode()
    assert 'id="match-table"' in page
    assert "100 %" in page
    assert "on domain" in page
    assert account.name in page
    assert "Dana" in page
    assert "Direct account" in page
    assert holder.reference in page
    assert ours.other_partner.name in page  # vendor staff may see which partner it is
    # The CAM does not see partner B's registration: no link to it.
    assert f"/admin/deals/deal/{holder.pk}/change/" not in page
    assert 'id="conflict-banner"' in page
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(change_url(deal))
    assert f"/admin/deals/deal/{holder.pk}/change/" in leader.content.decode()


@pytest.mark.django_db
def test_the_decision_screen_offers_the_decisions_the_status_allows(ours, two_deals, host_client):
    mine, _other = two_deals
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = cam.get(change_url(mine)).content.decode()
    for button in ("deal-approve", "deal-reject", "deal-request-info"):
        assert f'id="{button}"' in page
    assert "decision clock" in page.lower()
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=mine.pk).update(status=Deal.Status.WON, holds_claim=False)
    page = cam.get(change_url(mine)).content.decode()
    assert 'id="deal-approve"' not in page
    assert 'name="_save"' not in page  # read-only


@pytest.mark.django_db
def test_the_decision_screen_shows_the_audit_trail(ours, two_deals, host_client):
    mine, _other = two_deals
    page = host_client(ours.host, ours.members[Role.CAM]).get(change_url(mine)).content.decode()
    assert f"submitted {mine.reference} {mine.customer_name} for a decision" in page
    assert "deals.deal.submitted" not in page  # a sentence, not the event's code


@pytest.mark.django_db
def test_another_partners_registration_is_missing_for_the_cam(ours, two_deals, host_client):
    _mine, other = two_deals
    cam = host_client(ours.host, ours.members[Role.CAM])
    for suffix in ("change/", "approve/", "reject/", "request-info/", "history/"):
        assert cam.get(f"/admin/deals/deal/{other.pk}/{suffix}").status_code == 404, suffix
        assert cam.post(f"/admin/deals/deal/{other.pk}/{suffix}").status_code == 404, suffix
    with scope(tenant=ours.tenant):
        assert Deal.objects.get(pk=other.pk).status == Deal.Status.SUBMITTED


@pytest.mark.django_db
def test_another_tenants_registration_is_missing(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        foreign = registered(theirs.members[Role.PARTNER_REP])
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    for suffix in ("change/", "approve/", "reject/", "request-info/"):
        assert leader.get(f"/admin/deals/deal/{foreign.pk}/{suffix}").status_code == 404


@pytest.mark.django_db
def test_partner_users_are_refused_the_admin_pages(ours, two_deals, host_client):
    mine, _other = two_deals
    rep = host_client(ours.host, ours.members[Role.PARTNER_REP])
    for url in (QUEUE, change_url(mine), f"/admin/deals/deal/{mine.pk}/approve/"):
        assert rep.get(url).status_code == 403, url


@pytest.mark.django_db
def test_the_export_holds_what_the_cam_sees(ours, two_deals, host_client):
    response = host_client(ours.host, ours.members[Role.CAM]).get(QUEUE + "export/")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "Alpine Ski Works" in body
    assert "Boreal Boats" not in body
    assert body.splitlines()[0].lstrip("\ufeff").startswith('"Reference","Customer company"')
