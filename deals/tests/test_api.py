"""The REST API of deal registration: registrations and their outcomes, leads, protected accounts
read and deleted one by one; what a key sees, what its scopes allow, and bad input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from deals import services
from deals.models import Deal, Lead, ProtectedAccount
from deals.tests.factories import DealFactory, LeadFactory, ProtectedAccountFactory
from prm.api.services import api_key_create
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from tests.worlds import api_client_for

pytestmark = pytest.mark.django_db

DEALS = "/api/v1/deals/"
LEADS = "/api/v1/leads/"
ACCOUNTS = "/api/v1/protected-accounts/"


def key(world, **scopes: str) -> str:
    """The whole key of a new key of the world with these scopes."""
    leader = world.members[Role.PROGRAM_LEADER]
    with scope(tenant=world.tenant):
        return api_key_create(actor=leader, name="Scoped", scopes=scopes).token


def approved(world, **values) -> Deal:
    now = timezone.now()
    with scope(tenant=world.tenant):
        return DealFactory(
            partner=values.pop("partner", world.partner),
            owner=values.pop("owner", world.members[Role.PARTNER_REP]),
            status=Deal.Status.APPROVED,
            holds_claim=True,
            amount=Decimal("40000"),
            approved_at=now,
            expires_at=now + timedelta(days=30),
            **values,
        )


def reload(world, obj):
    with scope(tenant=world.tenant):
        return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def api(ours):
    return api_client_for(ours)


# Deal registrations: reading


def test_a_deal_reads_as_the_admin_ui_shows_it(ours, api):
    deal = approved(ours, customer_name="Tailspin Toys", contact_role="CIO")
    body = api.get(f"{DEALS}{deal.pk}/").json()
    with scope(tenant=ours.tenant):
        product = deal.products.get()
    assert body["number"] == deal.reference
    assert body["partner"] == {"id": ours.partner.pk, "name": ours.partner.name}
    assert body["owner_email"] == ours.members[Role.PARTNER_REP].user.email
    assert body["customer"] == "Tailspin Toys"
    assert body["country"] == "DE"
    assert body["contact"] == {
        "name": "Casey Contact",
        "email": "casey@customer.example",
        "role": "CIO",
    }
    assert body["products"] == [{"id": product.pk, "name": product.name, "sku": product.sku}]
    assert (body["amount"], body["currency"]) == ("40000.00", "EUR")
    assert body["status"] == "approved"
    assert body["protected_until"] is not None
    assert body["won_amount"] is None
    assert body["updated_at"]


def test_the_list_leaves_out_drafts_and_filters_by_status_and_partner(ours, api):
    mine = approved(ours)
    theirs_partner = approved(ours, partner=ours.other_partner, owner=ours.other_partner_rep)
    with scope(tenant=ours.tenant):
        draft = DealFactory(partner=ours.partner, owner=ours.members[Role.PARTNER_REP])

    def ids(query=""):
        response = api.get(DEALS + query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {mine.pk, theirs_partner.pk}
    assert draft.pk not in ids()
    assert ids(f"?partner={ours.other_partner.pk}") == {theirs_partner.pk}
    assert ids("?status=won") == set()
    assert ids("?status=approved") == {mine.pk, theirs_partner.pk}


@pytest.mark.parametrize(
    "query", ["?status=nope", "?partner=abc", "?partner=99999999999999999999", "?limit=0"]
)
def test_a_bad_filter_is_a_400_by_parameter(api, query):
    response = api.get(DEALS + query)
    assert response.status_code == 400
    assert set(response.json()) <= {"status", "partner", "limit"}


def test_another_tenants_deal_is_not_found(ours, theirs, api):
    assert api.get(f"{DEALS}{theirs.deal.pk}/").status_code == 404
    response = api.post(f"{DEALS}{theirs.approved_deal.pk}/won/",
                        {"amount": "10.00", "closed_on": timezone.localdate().isoformat()},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 404
    assert reload(theirs, theirs.approved_deal).status == Deal.Status.APPROVED


def test_revoked_expired_and_other_tenants_keys_are_refused(ours, theirs):
    for token in (ours.api_tokens["revoked"], ours.api_tokens["expired"], theirs.api_tokens["all"]):
        assert api_client_for(ours, token).get(DEALS).status_code == 401


# Deal registrations: outcomes from the CRM


def test_marking_a_deal_won_records_it_through_the_service_and_answers_it_as_it_is(ours, api):
    deal = approved(ours)
    before = api.get(f"{DEALS}{deal.pk}/").json()["updated_at"]
    today = timezone.localdate().isoformat()
    response = api.post(f"{DEALS}{deal.pk}/won/", {"amount": "12500.00", "closed_on": today},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["won_amount"], body["closed_on"]) == ("won", "12500.00", today)
    assert body["updated_at"] > before
    found = reload(ours, deal)
    assert (found.status, found.won_amount) == (Deal.Status.WON, Decimal("12500.00"))
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="deals.deal.won", object_id=deal.pk)
    assert event.actor == ours.api_key.membership.user


def test_a_deal_marked_won_twice_is_a_conflict_with_the_workflows_sentence(ours, api):
    deal = approved(ours)
    data = {"amount": "100.00", "closed_on": timezone.localdate().isoformat()}
    assert (
        api.post(f"{DEALS}{deal.pk}/won/", data, content_type="application/json").status_code == 200
    )
    again = api.post(f"{DEALS}{deal.pk}/won/", data, content_type="application/json")
    assert again.status_code == 409
    assert again.json() == {"detail": "A registration that is won cannot be marked won."}


def test_a_deal_not_approved_cannot_be_won_or_lost(ours, api):
    with scope(tenant=ours.tenant):
        deal = DealFactory(partner=ours.partner, status=Deal.Status.SUBMITTED)
    won = api.post(f"{DEALS}{deal.pk}/won/",
                   {"amount": "1.00", "closed_on": timezone.localdate().isoformat()},
                   content_type="application/json")  # fmt: skip
    lost = api.post(f"{DEALS}{deal.pk}/lost/", {"reason": "Budget cut"},
                    content_type="application/json")  # fmt: skip
    assert (won.status_code, lost.status_code) == (409, 409)
    assert "submitted" in won.json()["detail"]
    assert reload(ours, deal).status == Deal.Status.SUBMITTED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "12500.00", "closed_on": "2100-01-01"}, "closed_on"),  # the service's rule
        ({"amount": "-1", "closed_on": "2026-01-01"}, "amount"),
        ({"amount": "1e400", "closed_on": "2026-01-01"}, "amount"),
        ({"amount": "123456789012345.00", "closed_on": "2026-01-01"}, "amount"),
        ({"amount": "NaN", "closed_on": "2026-01-01"}, "amount"),
        ({"amount": "10.001", "closed_on": "2026-01-01"}, "amount"),
        ({"amount": "10", "closed_on": "31/12/2026"}, "closed_on"),
        ({"amount": ["10"], "closed_on": "2026-01-01"}, "amount"),
        ({"amount": 10, "closed_on": "2026-01-01"}, "amount"),  # money as a string only
        ({"amount": "1e5", "closed_on": "2026-01-01"}, "amount"),
        ({"closed_on": "2026-01-01"}, "amount"),
    ],
)
def test_a_bad_outcome_is_a_400_beside_its_field_and_changes_nothing(ours, api, data, field):
    deal = approved(ours)
    response = api.post(f"{DEALS}{deal.pk}/won/", data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert reload(ours, deal).status == Deal.Status.APPROVED


def test_malformed_json_is_a_400(ours, api):
    deal = approved(ours)
    response = api.post(f"{DEALS}{deal.pk}/won/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_marking_a_deal_lost_needs_a_reason_and_records_it(ours, api):
    deal = approved(ours)
    url = f"{DEALS}{deal.pk}/lost/"
    assert api.post(url, {"reason": "  "}, content_type="application/json").status_code == 400
    response = api.post(url, {"reason": "Went with a competitor"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["lost_reason"]) == (
        "lost",
        "Went with a competitor",
    )


def test_if_match_guards_an_outcome_against_a_change_made_since(ours, api):
    deal = approved(ours)
    etag = api.get(f"{DEALS}{deal.pk}/")["ETag"]
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=deal.pk).update(notes="changed meanwhile")  # updated_at moves
    response = api.post(f"{DEALS}{deal.pk}/lost/", {"reason": "Lost"},
                        content_type="application/json", HTTP_IF_MATCH=etag)  # fmt: skip
    assert response.status_code == 412
    assert reload(ours, deal).status == Deal.Status.APPROVED


def test_scopes_decide_reading_and_writing(ours):
    deal = approved(ours)
    data = {"reason": "Lost"}
    no_scope = api_client_for(ours, key(ours, leads="write"))
    read_only = api_client_for(ours, key(ours, deals="read"))
    assert no_scope.get(DEALS).status_code == 403
    assert read_only.get(DEALS).status_code == 200
    url = f"{DEALS}{deal.pk}/lost/"
    assert read_only.post(url, data, content_type="application/json").status_code == 403
    assert no_scope.post(url, data, content_type="application/json").status_code == 403
    assert reload(ours, deal).status == Deal.Status.APPROVED


# Leads


LEAD = {
    "customer": "Northwind Traders",
    "website": "https://www.northwind.example",
    "country": "US",
    "contact": {"name": "Nancy North", "email": "nancy@northwind.example", "role": "CTO"},
    "notes": "Met at the trade fair.",
}


def test_a_lead_is_created_in_the_queue_and_audited_with_the_key(ours, api):
    response = api.post(LEADS, LEAD, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new"
    assert (body["customer"], body["website"], body["country"]) == (
        "Northwind Traders",
        "https://www.northwind.example",
        "US",
    )
    assert body["contact"] == LEAD["contact"]
    assert (body["partner"], body["deal"], body["decline_reason"]) == (None, None, "")
    with scope(tenant=ours.tenant):
        lead = Lead.objects.get(pk=body["id"])
        event = AuditEvent.objects.get(action="deals.lead.created", object_id=lead.pk)
    assert event.actor == ours.api_key.membership.user
    assert api.get(f"{LEADS}{lead.pk}/").json() == body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer": ""}, "customer"),
        ({"country": "XX"}, "country"),
        ({"contact": {"name": "N", "email": "not-an-email"}}, "contact"),
        ({"contact": "Nancy"}, "contact"),
        ({"customer": 42}, "customer"),
        ({"notes": "x" * 4001}, "notes"),
        ({"customer": "---", "website": ""}, "customer_name"),  # the service's rule
    ],
)
def test_a_bad_lead_is_a_400_beside_its_field_and_creates_nothing(ours, api, change, field):
    with scope(tenant=ours.tenant):
        before = Lead.objects.filter(tenant=ours.tenant).count()
    response = api.post(LEADS, {**LEAD, **change}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    with scope(tenant=ours.tenant):
        assert Lead.objects.filter(tenant=ours.tenant).count() == before


def test_a_lead_is_assigned_to_a_partner_of_the_program(ours, api):
    with scope(tenant=ours.tenant):
        lead = LeadFactory(tenant=ours.tenant)
    response = api.post(f"{LEADS}{lead.pk}/assign/", {"partner": ours.other_partner.pk},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "assigned"
    assert body["partner"] == {"id": ours.other_partner.pk, "name": ours.other_partner.name}
    assert body["respond_by"]
    assert body["assigned_at"]
    again = api.post(f"{LEADS}{lead.pk}/assign/", {"partner": ours.partner.pk},
                     content_type="application/json")  # fmt: skip
    assert again.status_code == 409  # assigned: waiting for the partner's answer


@pytest.mark.parametrize("partner", ["theirs", 99999999, 2**63, "abc", None, -1, "1", True])
def test_another_tenants_or_an_unknown_partner_is_a_400_beside_the_field(
    ours, theirs, api, partner
):
    with scope(tenant=ours.tenant):
        lead = LeadFactory(tenant=ours.tenant)
    value = theirs.partner.pk if partner == "theirs" else partner
    response = api.post(f"{LEADS}{lead.pk}/assign/", {"partner": value},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert list(response.json()) == ["partner"]
    assert reload(ours, lead).status == Lead.Status.NEW


def test_another_tenants_lead_is_not_found(ours, theirs, api):
    assert api.get(f"{LEADS}{theirs.lead.pk}/").status_code == 404
    response = api.post(f"{LEADS}{theirs.lead.pk}/assign/", {"partner": ours.partner.pk},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 404


def test_lead_scopes_decide_reading_and_writing(ours):
    read_only = api_client_for(ours, key(ours, leads="read"))
    no_scope = api_client_for(ours, key(ours, deals="write"))
    assert read_only.get(LEADS).status_code == 200
    assert no_scope.get(LEADS).status_code == 403
    assert read_only.post(LEADS, LEAD, content_type="application/json").status_code == 403
    assert no_scope.post(LEADS, LEAD, content_type="application/json").status_code == 403
    with scope(tenant=ours.tenant):
        assert not Lead.objects.filter(tenant=ours.tenant).exists()


# Protected accounts, one by one


def test_accounts_are_listed_by_type_and_read(ours, api):
    with scope(tenant=ours.tenant):
        direct = ProtectedAccountFactory(tenant=ours.tenant, owner="jane@vendor.example")
        customer = ProtectedAccountFactory(tenant=ours.tenant, kind="customer")
    rows = api.get(ACCOUNTS + "?type=customer").json()["results"]
    assert [r["id"] for r in rows] == [customer.pk]
    body = api.get(f"{ACCOUNTS}{direct.pk}/").json()
    assert {k: body[k] for k in ("domain", "name", "owner", "type")} == {
        "domain": direct.domain,
        "name": direct.name,
        "owner": "jane@vendor.example",
        "type": "direct",
    }
    assert api.get(ACCOUNTS + "?type=partner").status_code == 400


def test_an_account_is_deleted_through_the_service_and_audited(ours, api):
    with scope(tenant=ours.tenant):
        account = ProtectedAccountFactory(tenant=ours.tenant)
    assert api.delete(f"{ACCOUNTS}{account.pk}/").status_code == 204
    with scope(tenant=ours.tenant):
        assert not ProtectedAccount.objects.filter(pk=account.pk).exists()
        event = AuditEvent.objects.get(action="deals.protectedaccount.removed")
    assert event.actor == ours.api_key.membership.user
    assert event.before["domain"] == account.domain
    assert api.delete(f"{ACCOUNTS}{account.pk}/").status_code == 404


def test_another_tenants_account_is_not_found_nor_deleted(ours, theirs, api):
    account = theirs.protected_account
    assert api.get(f"{ACCOUNTS}{account.pk}/").status_code == 404
    assert api.delete(f"{ACCOUNTS}{account.pk}/").status_code == 404
    with scope(tenant=theirs.tenant):
        assert ProtectedAccount.objects.filter(pk=account.pk).exists()


def test_account_scopes_decide_reading_and_deleting(ours):
    with scope(tenant=ours.tenant):
        account = ProtectedAccountFactory(tenant=ours.tenant)
    read_only = api_client_for(ours, key(ours, accounts="read"))
    no_scope = api_client_for(ours, key(ours, deals="write", leads="write"))
    assert read_only.get(ACCOUNTS).status_code == 200
    assert no_scope.get(ACCOUNTS).status_code == 403
    assert read_only.delete(f"{ACCOUNTS}{account.pk}/").status_code == 403
    body = {"accounts": [{"domain": "acme.com", "name": "Acme"}]}
    assert (
        read_only.post(ACCOUNTS + "bulk/", body, content_type="application/json").status_code == 403
    )
    assert no_scope.post(ACCOUNTS + "delete/", {"domains": [account.domain]},
                         content_type="application/json").status_code == 403  # fmt: skip
    with scope(tenant=ours.tenant):
        assert ProtectedAccount.objects.filter(tenant=ours.tenant).count() == 1


def test_a_deal_changed_by_a_service_comes_again_in_the_sync(ours, api):
    first, second = approved(ours), approved(ours)
    page = api.get(DEALS).json()["results"]
    assert [r["id"] for r in page] == [first.pk, second.pk]  # by when they last changed
    since = page[-1]["updated_at"]
    assert [r["id"] for r in api.get(DEALS, {"updated_since": since}).json()["results"]] == [
        second.pk
    ]
    with scope(tenant=ours.tenant):
        services.deal_mark_lost(actor=ours.members[Role.CAM], deal=first, reason="Budget")
    changed = api.get(DEALS, {"updated_since": since}).json()["results"]
    assert [r["id"] for r in changed] == [second.pk, first.pk]
    assert changed[-1]["status"] == "lost"
