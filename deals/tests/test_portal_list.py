"""The partner's deal list: sorted by a column, filtered by submitted dates and "expiring
soon", with the status tabs and the search, and every link (tabs, headers, pages, the CSV
export) keeping the rest of the query."""

import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal
from deals.tests.factories import DealFactory
from prm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<th scope="row" class="text-nowrap"><a href="/deals/(\d+)/">')


def _at(days_ago: int) -> datetime:
    """Noon, `days_ago` days ago, in the active time zone."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


@pytest.fixture
def listed(ours):
    """Four of the rep's registrations, apart from the world's own two (which the tests leave
    out by searching "Sortable")."""
    rep = ours.members[Role.PARTNER_REP]
    now = timezone.now()
    with scope(tenant=ours.tenant):
        return {
            "bravo": DealFactory(
                partner=ours.partner, owner=rep, customer_name="Sortable Bravo",
                amount=Decimal("500.00"), status=Deal.Status.APPROVED, submitted_at=_at(10),
                expires_at=now + timedelta(days=5),
            ),
            "alpha": DealFactory(
                partner=ours.partner, owner=rep, customer_name="Sortable Alpha",
                amount=Decimal("90000.00"), status=Deal.Status.SUBMITTED, submitted_at=_at(3),
            ),
            "delta": DealFactory(
                partner=ours.partner, owner=rep, customer_name="Sortable Delta",
                amount=Decimal("1200.00"), status=Deal.Status.APPROVED, submitted_at=_at(40),
                expires_at=now + timedelta(days=60),
            ),
            "charlie": DealFactory(
                partner=ours.partner, owner=rep, customer_name="Sortable Charlie",
                amount=Decimal("7000.00"), status=Deal.Status.DRAFT,
            ),
        }  # fmt: skip


def _order(client, query: str) -> list[int]:
    response = client.get(f"/deals/?q=Sortable&{query}")
    assert response.status_code == 200
    return [int(pk) for pk in ROW.findall(response.content.decode())]


def _pks(listed, *names: str) -> list[int]:
    return [listed[name].pk for name in names]


@pytest.fixture
def rep_client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_REP])


def test_the_list_sorts_by_each_column_both_ways(listed, rep_client):
    assert _order(rep_client, "sort=customer") == _pks(listed, "alpha", "bravo", "charlie", "delta")
    assert _order(rep_client, "sort=-customer") == _pks(
        listed, "delta", "charlie", "bravo", "alpha"
    )
    assert _order(rep_client, "sort=amount") == _pks(listed, "bravo", "delta", "charlie", "alpha")
    assert _order(rep_client, "sort=-amount") == _pks(listed, "alpha", "charlie", "delta", "bravo")
    # the draft was never submitted: last, whichever way
    assert _order(rep_client, "sort=submitted") == _pks(
        listed, "delta", "bravo", "alpha", "charlie"
    )
    assert _order(rep_client, "sort=-submitted") == _pks(
        listed, "alpha", "bravo", "delta", "charlie"
    )
    # the lifecycle's order: draft, submitted, approved (the newest first among equals)
    assert _order(rep_client, "sort=status") == _pks(listed, "charlie", "alpha", "delta", "bravo")
    # only approved registrations have a protection end; the others follow
    assert _order(rep_client, "sort=protection")[:2] == _pks(listed, "bravo", "delta")
    assert _order(rep_client, "sort=-protection")[:2] == _pks(listed, "delta", "bravo")


def test_the_current_sort_is_marked_and_its_header_turns_it_around(listed, rep_client):
    page = rep_client.get("/deals/?q=Sortable&sort=amount&status=approved").content.decode()
    header = re.search(r'<th scope="col" class="text-end" aria-sort="ascending">.*?</th>', page)
    assert header is not None
    assert "Amount" in header.group(0)
    # the header's link sorts the other way and keeps the search and the status tab
    assert 'href="?status=approved&amp;q=Sortable&amp;sort=-amount"' in header.group(0)
    assert page.count("aria-sort=") == 1
    # the other headers sort ascending by themselves, keeping the filters too
    assert 'href="?status=approved&amp;q=Sortable&amp;sort=customer"' in page
    # the status tabs keep the sort and the search
    assert 'href="?q=Sortable&amp;sort=amount"' in page


def test_a_bad_sort_or_date_is_left_out_and_the_rest_applies(listed, rep_client):
    newest_first = _order(rep_client, "")
    assert _order(rep_client, "sort=password") == newest_first
    assert _order(rep_client, "sort=customer&submitted_from=yesterday") == _pks(
        listed, "alpha", "bravo", "charlie", "delta"
    )
    page = rep_client.get("/deals/?q=Sortable&sort=%00").content.decode()
    assert "aria-sort=" not in page


def test_the_list_filters_by_submitted_dates_both_ends_included(listed, rep_client):
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert _order(rep_client, f"sort=customer&submitted_from={day}") == _pks(
        listed, "alpha", "bravo"
    )
    assert _order(rep_client, f"sort=customer&submitted_to={day}") == _pks(listed, "bravo", "delta")
    assert _order(rep_client, f"submitted_from={day}&submitted_to={day}") == _pks(listed, "bravo")


def test_expiring_soon_uses_the_tenants_warning_window(ours, listed, rep_client):
    assert _order(rep_client, "expiring=1") == _pks(listed, "bravo")
    with scope(tenant=ours.tenant):
        ours.deal_settings.expiry_warning_days = 90
        ours.deal_settings.save()
    assert _order(rep_client, "expiring=1&sort=protection") == _pks(listed, "bravo", "delta")
    # not another partner's, not an expired one
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=listed["bravo"].pk).update(
            expires_at=timezone.now() - timedelta(hours=1)
        )
    assert _order(rep_client, "expiring=1") == _pks(listed, "delta")


def test_the_home_counts_expiring_as_the_list_filters_them(ours, listed, rep_client):
    from deals.selectors import home_summary

    with scope(tenant=ours.tenant):
        summary = home_summary(ours.members[Role.PARTNER_REP])
    # bravo (5 days) within the default 14 days; delta (60) and the world's (90) not
    assert summary.expiring == 1


def test_pages_and_the_export_keep_the_filters_and_the_sort(ours, listed, rep_client):
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        for i in range(26):
            DealFactory(
                partner=ours.partner, owner=rep, customer_name=f"Sortable Paged {i:02d}",
                status=Deal.Status.SUBMITTED, submitted_at=_at(2),
            )  # fmt: skip
    query = f"q=Sortable&sort=-customer&submitted_from={(timezone.localdate() - timedelta(days=5))}"
    page = rep_client.get(f"/deals/?{query}").content.decode()
    assert "Page 1 of 2" in page
    assert "?page=2&amp;q=Sortable&amp;submitted_from=" in page
    assert "&amp;sort=-customer" in page
    second = rep_client.get(f"/deals/?page=2&{query}").content.decode()
    # 27 rows, Z to A: the last two on page 2, "Alpha" last
    rows = [int(pk) for pk in ROW.findall(second)]
    assert len(rows) == 2
    assert rows[-1] == listed["alpha"].pk
    export = re.search(r'href="(/deals/export/\?[^"]+)"', page)
    assert export is not None
    response = rep_client.get(export.group(1).replace("&amp;", "&"))
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    customers = [line[1] for line in lines[1:]]
    assert customers == sorted(customers, reverse=True)
    assert len(customers) == 27  # the 26 and alpha; bravo and delta were submitted earlier
    assert "Sortable Charlie" not in customers  # a draft has no submitted date


def test_filters_with_no_match_say_how_to_widen_them(listed, rep_client):
    page = rep_client.get("/deals/?q=Sortable&expiring=1&status=draft").content.decode()
    assert "No registration matches." in page
    assert "clear the filters" in page
    assert 'id="deal-filters-clear"' in page


@pytest.mark.parametrize("q", ["DR-\u00b2", "DR-99999999999999999999", "dr-\u0663"])
def test_a_reference_that_is_not_one_searches_by_name_never_a_server_error(listed, rep_client, q):
    response = rep_client.get("/deals/", {"q": q})
    assert response.status_code == 200
    assert "No registration matches." in response.content.decode()
