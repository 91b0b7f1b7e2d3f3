"""The CRM sync of protected accounts through the API: bulk upsert by registered domain, all or
nothing, with the CSV import's rules; bulk delete by domain; and the conflict check sees them."""

import time

import pytest
from django_scopes import scope

from deals import conflicts
from deals.models import DealMatch, ProtectedAccount
from deals.services.protected_accounts import MAX_ROWS
from deals.tests.factories import ProtectedAccountFactory, registered
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from tests.worlds import api_client_for

pytestmark = pytest.mark.django_db

BULK = "/api/v1/protected-accounts/bulk/"
DELETE = "/api/v1/protected-accounts/delete/"


@pytest.fixture
def api(ours):
    return api_client_for(ours)


@pytest.fixture
def existing(ours):
    with scope(tenant=ours.tenant):
        return ProtectedAccountFactory(
            tenant=ours.tenant, name="Contoso Ltd", domain="contoso.example", owner="Old Owner"
        )


def accounts(world) -> dict[str, tuple[str, str, str]]:
    with scope(tenant=world.tenant):
        return {
            a.domain: (a.name, a.owner, a.kind)
            for a in ProtectedAccount.objects.filter(tenant=world.tenant)
        }


def post(api, url, body):
    return api.post(url, body, content_type="application/json")


def test_an_upsert_creates_new_domains_and_updates_known_ones_normalised(ours, existing, api):
    response = post(api, BULK, {"accounts": [
        {"domain": "https://www.acme.com/", "name": "Acme", "owner": "jane@vendor.example",
         "type": "direct"},
        {"domain": "contoso.example", "name": "Contoso Limited", "type": "customer"},
        {"domain": "woodgrove.example", "name": "Woodgrove Bank", "owner": None},
    ]})  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 1}
    assert accounts(ours) == {
        "acme.com": ("Acme", "jane@vendor.example", "direct"),
        "contoso.example": ("Contoso Limited", "", "customer"),
        "woodgrove.example": ("Woodgrove Bank", "", "direct"),
    }
    with scope(tenant=ours.tenant):
        [event] = AuditEvent.objects.filter(action="deals.protectedaccount.imported")
    assert event.actor == ours.api_key.membership.user
    assert (event.after["created"], event.after["updated"]) == (2, 1)


def test_a_domain_twice_in_a_batch_writes_nothing(ours, existing, api):
    response = post(api, BULK, {"accounts": [
        {"domain": "fabrikam.example", "name": "Fabrikam"},
        {"domain": "contoso.example", "name": "Contoso Limited"},
        {"domain": "https://www.fabrikam.example", "name": "Fabrikam again"},
    ]})  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "accounts": {"2": {"domain": ["fabrikam.example is already on row 0."]}}
    }
    assert accounts(ours) == {"contoso.example": ("Contoso Ltd", "Old Owner", "direct")}


def test_bad_rows_are_named_by_index_and_field_and_nothing_is_written(ours, existing, api):
    response = post(api, BULK, {"accounts": [
        {"domain": "fabrikam.example", "name": "Fabrikam"},
        {"domain": "not a domain", "name": "Nowhere Inc"},
        {"domain": "tailspin.example", "name": ""},
        {"domain": "litware.example", "name": "Litware", "type": "partner"},
        {"domain": "punct.example", "name": "---"},
        {"domain": "x.example", "name": "X", "nmae": "typo"},
        {"domain": 42, "name": "Number"},
        "acme.com",
        {"domain": "contoso.example", "name": "Contoso Limited"},
    ]})  # fmt: skip
    assert response.status_code == 400
    errors = response.json()["accounts"]
    assert {index: sorted(fields) for index, fields in errors.items()} == {
        "3": ["type"],
        "5": ["nmae"],
        "6": ["domain"],
        "7": ["non_field_errors"],
    }  # the shape first; then what the row form says
    fixed = [
        {"domain": "fabrikam.example", "name": "Fabrikam"},
        {"domain": "not a domain", "name": "Nowhere Inc"},
        {"domain": "tailspin.example", "name": ""},
        {"domain": "punct.example", "name": "---"},
        {"domain": "contoso.example", "name": "Contoso Limited", "owner": "x" * 201},
    ]
    response = post(api, BULK, {"accounts": fixed})
    assert response.status_code == 400
    errors = response.json()["accounts"]
    assert {index: sorted(fields) for index, fields in errors.items()} == {
        "1": ["domain"],
        "2": ["name"],
        "3": ["name"],
        "4": ["owner"],
    }
    assert "is not a domain" in errors["1"]["domain"][0]
    assert accounts(ours) == {"contoso.example": ("Contoso Ltd", "Old Owner", "direct")}


@pytest.mark.parametrize(
    "body",
    [{}, {"accounts": []}, {"accounts": "acme.com"}, {"accounts": {"domain": "acme.com"}}, []],
)
def test_a_body_of_the_wrong_shape_is_a_400(ours, api, body):
    response = post(api, BULK, body)
    assert response.status_code == 400
    assert accounts(ours) == {}


def test_more_than_ten_thousand_accounts_are_refused_whole(ours, api):
    rows = [{"domain": f"d{i}.example", "name": f"D {i}"} for i in range(MAX_ROWS + 1)]
    response = post(api, BULK, {"accounts": rows})
    assert response.status_code == 400
    assert response.json() == {"accounts": ["Send at most 10,000 accounts at once."]}
    assert accounts(ours) == {}


def test_ten_thousand_accounts_are_upserted_in_seconds(ours, api):
    rows = [{"domain": f"https://www.d{i}.example/", "name": f"Company {i} GmbH",
             "owner": f"owner{i % 7}@vendor.example", "type": "customer" if i % 3 else "direct"}
            for i in range(MAX_ROWS)]  # fmt: skip
    started = time.monotonic()
    first = post(api, BULK, {"accounts": rows[: MAX_ROWS // 2]})
    assert first.json() == {"created": MAX_ROWS // 2, "updated": 0}
    second = post(api, BULK, {"accounts": rows})
    assert second.json() == {"created": MAX_ROWS // 2, "updated": MAX_ROWS // 2}
    elapsed = time.monotonic() - started
    with scope(tenant=ours.tenant):
        assert ProtectedAccount.objects.filter(tenant=ours.tenant).count() == MAX_ROWS
        assert ProtectedAccount.objects.get(tenant=ours.tenant, domain="d9.example").name == (
            "Company 9 GmbH"
        )
    # not a timed test (machines differ): a generous bound that catches a row-by-row write
    assert elapsed < 60


def test_the_conflict_check_sees_the_synced_accounts(ours, api):
    response = post(api, BULK, {"accounts": [
        {"domain": "https://www.acme-widgets.example/", "name": "Acme Widgets"},
    ]})  # fmt: skip
    assert response.status_code == 200
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        verdict = conflicts.precheck(
            tenant=ours.tenant,
            name="Acme Widgets Inc",
            website="acme-widgets.example",
            partner_id=ours.partner.pk,
        )
        deal = registered(rep, customer_name="Acme Widgets Inc",
                          customer_website="https://shop.acme-widgets.example")  # fmt: skip
        kinds = set(DealMatch.objects.filter(deal=deal).values_list("kind", flat=True))
    assert verdict.outcome == conflicts.Outcome.DIRECT
    assert DealMatch.Kind.DIRECT in kinds


def test_accounts_are_deleted_by_domain_and_unknown_ones_skipped(ours, existing, api):
    with scope(tenant=ours.tenant):
        ProtectedAccountFactory(tenant=ours.tenant, domain="fabrikam.example")
        kept = ProtectedAccountFactory(tenant=ours.tenant, domain="woodgrove.example")
    response = post(api, DELETE, {"domains": ["https://www.contoso.example/", "fabrikam.example",
                                              "unknown.example"]})  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json() == {"deleted": 2}
    assert set(accounts(ours)) == {kept.domain}
    with scope(tenant=ours.tenant):
        [event] = AuditEvent.objects.filter(action="deals.protectedaccount.deleted")
    assert event.after["deleted"] == 2
    assert event.actor == ours.api_key.membership.user


def test_deleting_an_account_a_deal_matched_keeps_the_deal(ours, api):
    post(api, BULK, {"accounts": [{"domain": "acme-widgets.example", "name": "Acme Widgets"}]})
    rep = ours.members[Role.PARTNER_REP]
    with scope(tenant=ours.tenant):
        deal = registered(
            rep, customer_name="Acme Widgets", customer_website="acme-widgets.example"
        )
        assert DealMatch.objects.filter(deal=deal, kind=DealMatch.Kind.DIRECT).exists()
    response = post(api, DELETE, {"domains": ["acme-widgets.example"]})
    assert response.json() == {"deleted": 1}
    with scope(tenant=ours.tenant):
        deal.refresh_from_db()
        assert deal.status == "submitted"
        assert not DealMatch.objects.filter(deal=deal, kind=DealMatch.Kind.DIRECT).exists()


@pytest.mark.parametrize(
    "domains",
    [[], "contoso.example", ["contoso.example", ""], ["contoso.example", "x" * 254], None],
)
def test_a_bad_delete_is_a_400_and_deletes_nothing(ours, existing, api, domains):
    response = post(api, DELETE, {"domains": domains})
    assert response.status_code == 400
    assert list(response.json()) == ["domains"]
    assert set(accounts(ours)) == {"contoso.example"}


def test_a_bad_domain_in_a_delete_is_named_by_index(ours, existing, api):
    response = post(api, DELETE, {"domains": ["contoso.example", "not a domain"]})
    assert response.status_code == 400
    assert list(response.json()["domains"]) == ["1"]
    assert set(accounts(ours)) == {"contoso.example"}


def test_the_csv_import_and_the_api_share_the_upsert(ours, existing, host_client):
    """The admin's CSV import still works through the shared service (its own tests cover it
    fully): here, that a file's rows keep their spreadsheet numbers in errors."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    text = "domain,name\nfabrikam.example,Fabrikam\nfabrikam.example,Again\n"
    upload = SimpleUploadedFile("a.csv", text.encode(), content_type="text/csv")
    response = ops.post("/admin/deals/protectedaccount/import/", {"file": upload})
    assert [(e.row, e.message) for e in response.context["errors"]] == [
        (3, "fabrikam.example is already on row 2.")
    ]
