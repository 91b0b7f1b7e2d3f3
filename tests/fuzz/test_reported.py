"""The server errors issue 12 reported for bad list filters and the deal pre-check, one test each.

The fuzzer beside this module (`test_fuzz.py`) keeps the whole class out of every URL; these name
the requests that were found answering 500, so that a regression reads as what it is. Each also
reads the database after the request: a value that reached PostgreSQL and was refused there
(NUL in text) would have aborted the test's transaction, as it aborted the request's.
"""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from prm.tenancy.roles import Role

#: (admin list URL name, query) that answered 500 on the vendor admin UI
ADMIN_LISTS = [
    *(
        (f"admin:{model}_{page}", {"partner": value})
        for model in ("deals_deal",)
        for page in ("changelist", "export")
        for value in ("x", "1abc", "\x00")
    ),
    *(
        ("admin:" + model + "_changelist", {"partner": value})
        for model in (
            "deals_lead",
            "tenancy_membership",
            "partners_businessplan",
            "accounts_invitation",
        )
        for value in ("x", "1abc", "\x00")
    ),
    ("admin:partners_partner_changelist", {"cam": "x"}),
    ("admin:partners_partner_export", {"cam": "1abc"}),
    *(
        (f"admin:{model}", {"status": "\x00"})
        for model in (
            "deals_deal_changelist",
            "deals_deal_export",
            "deals_lead_changelist",
            "partners_partner_changelist",
            "partners_partner_export",
            "partners_application_changelist",
            "notifications_emailoutbox_changelist",
        )
    ),
    ("admin:audit_auditevent_changelist", {"action": "\x00"}),
    # Django 5.2 answers 0 and 99999 with ?e=1 already; 9999 raised (no year 10000 to end on).
    *(
        (f"admin:{model}_changelist", {date_field + "__year": year})
        for model, date_field in (
            ("notifications_emailoutbox", "created_at"),
            ("audit_auditevent", "created_at"),
            ("partners_partneronboarding", "started_at"),
        )
        for year in ("0", "1", "9999", "99999")
    ),
    ("admin:deals_deal_changelist", {"q": "DR-\u00b2"}),
]


def _assert_transaction_intact() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # raises if a statement of the request failed in PostgreSQL


def _get(client, name: str, query: dict[str, str]):
    return client.get(f"{reverse(name)}?{urlencode(query)}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "query"), ADMIN_LISTS, ids=lambda v: ascii(v))
def test_a_bad_list_filter_value_is_an_invalid_lookup_not_a_server_error(
    name, query, ours, host_client
):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = _get(client, name, query)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        # Django's answer to a lookup it cannot use: the list again, flagged ?e=1.
        changelist = reverse(name.replace("_export", "_changelist"))
        assert response["Location"].startswith(changelist)
        assert response["Location"].endswith("?e=1")
        assert client.get(response["Location"]).status_code == 200
    _assert_transaction_intact()


#: (portal URL name, query) a partner rep may send. The pre-check's website and '²' answered
#: 500; the portal's lists and '٣' (int() takes it) did not, and are here so that they stay so.
PORTAL_QUERIES = [
    ("deals:precheck", {"customer_website": "\x00.com"}),
    ("deals:precheck", {"customer_name": "Acme\x00"}),
    ("deals:precheck", {"customer_name": "Acme", "deal": "\u00b2"}),
    ("deals:precheck", {"customer_name": "Acme", "deal": "\u0663"}),
    ("deals:list", {"status": "\x00", "q": "\x00", "page": "\x00"}),
    ("deals:export", {"status": "\x00", "q": "\x00"}),
    ("deals:leads", {"page": "99999999999999999999"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "query"), PORTAL_QUERIES, ids=lambda v: ascii(v))
def test_a_bad_query_value_on_the_portal_is_left_out(name, query, ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    assert _get(client, name, query).status_code == 200
    _assert_transaction_intact()


@pytest.mark.django_db
def test_the_precheck_ignores_a_website_with_nul_and_checks_the_name(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_REP])
    query = {"customer_name": ours.other_deal.customer_name, "customer_website": "\x00.com"}
    page = _get(client, "deals:precheck", query).content.decode()
    # The name alone still finds partner B's registration of that customer.
    assert "Another partner registered this customer" in page


# Found by the fuzzer: the same class in Django admin's own parameters.


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", "\x00", "\u00b2", "2026-12-31"], ids=ascii)
def test_an_admin_action_on_a_selection_that_is_not_ids_changes_nothing(value, ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = reverse("admin:partners_partnertype_changelist")
    selected = [str(ours.partner_type.pk), value]
    response = client.post(url, {"action": "delete_selected", "_selected_action": selected})
    assert response.status_code == 302
    assert "does not exist" in client.get(response["Location"]).content.decode()
    _assert_transaction_intact()


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_an_empty_to_field_on_an_admin_object_page_means_none(view, ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = reverse(f"admin:partners_partnertype_{view}", args=[ours.partner_type.pk])
    assert client.get(f"{url}?_to_field=").status_code == 200
