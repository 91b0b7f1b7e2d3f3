"""Protected accounts in the admin UI: the list, the form, and the all-or-nothing CSV import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from deals.models import ProtectedAccount
from deals.tests.factories import ProtectedAccountFactory
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role

LIST = "/admin/deals/protectedaccount/"
IMPORT = LIST + "import/"


def upload(text: str):
    return SimpleUploadedFile("accounts.csv", text.encode("utf-8"), content_type="text/csv")


def accounts(world) -> dict[str, tuple[str, str, str, str]]:
    with scope(tenant=world.tenant):
        return {
            a.domain: (a.name, a.owner, a.kind, a.name_core)
            for a in ProtectedAccount.objects.filter(tenant=world.tenant)
        }


@pytest.fixture
def ops(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


@pytest.fixture
def existing(ours):
    with scope(tenant=ours.tenant):
        return ProtectedAccountFactory(
            tenant=ours.tenant, name="Contoso Ltd", domain="contoso.example", owner="Old Owner"
        )


GOOD = (
    "domain,name,owner,type\n"
    "https://www.fabrikam.example/about,Fabrikam GmbH,ann@vendor.example,customer\n"
    "contoso.example,Contoso Limited,bob@vendor.example,direct\n"
    "woodgrove.example,Woodgrove Bank,,\n"
)


@pytest.mark.django_db
def test_a_good_file_creates_new_accounts_and_updates_existing_domains(ours, existing, ops):
    response = ops.post(IMPORT, {"file": upload(GOOD)})
    assert response.status_code == 302
    found = accounts(ours)
    assert found["fabrikam.example"] == ("Fabrikam GmbH", "ann@vendor.example", "customer",
                                         "fabrikam")  # fmt: skip
    assert found["contoso.example"][:3] == ("Contoso Limited", "bob@vendor.example", "direct")
    assert found["woodgrove.example"][2] == "direct"  # empty type: direct
    assert len(found) == 3
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="deals.protectedaccount.imported")
    assert event.after["created"] == 2
    assert event.after["updated"] == 1
    page = ops.get(LIST).content.decode()
    assert "2 new accounts, 1 updated." in page


@pytest.mark.django_db
def test_check_only_shows_what_would_be_created_and_updated_and_writes_nothing(ours, existing, ops):
    response = ops.post(IMPORT, {"file": upload(GOOD), "check_only": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-plan"' in page
    assert "2 new accounts" in page
    assert "1 updated" in page
    assert "fabrikam.example" in page
    assert set(accounts(ours)) == {"contoso.example"}
    assert accounts(ours)["contoso.example"][1] == "Old Owner"


@pytest.mark.django_db
def test_a_file_with_bad_rows_imports_nothing_and_names_each_rows_problem(ours, existing, ops):
    bad = (
        "domain,name,owner,type\n"
        "fabrikam.example,Fabrikam,,direct\n"  # row 2: fine
        "not a domain,Nowhere Inc,,direct\n"  # row 3: unparseable domain
        "tailspin.example,,,direct\n"  # row 4: no name
        "litware.example,Litware,,partner\n"  # row 5: bad type
        "punct.example,---,,direct\n"  # row 6: no letters to match on
        "contoso.example,Contoso Limited,,direct\n"  # row 7: fine (an update)
    )
    response = ops.post(IMPORT, {"file": upload(bad)})
    assert response.status_code == 200
    errors = response.context["errors"]
    assert {(e.row, e.column) for e in errors} == {
        (3, "Domain"),
        (4, "Company name"),
        (5, "Type"),
        (6, "Company name"),
    }
    assert "Nothing was imported" in response.content.decode()
    assert set(accounts(ours)) == {"contoso.example"}
    assert accounts(ours)["contoso.example"][0] == "Contoso Ltd"


@pytest.mark.django_db
def test_a_domain_twice_in_the_file_imports_nothing(ours, existing, ops):
    twice = (
        "domain,name,owner,type\n"
        "fabrikam.example,Fabrikam,,direct\n"
        "contoso.example,Contoso Limited,,direct\n"
        "https://www.fabrikam.example,Fabrikam again,,customer\n"
    )
    for data in ({"file": upload(twice)}, {"file": upload(twice), "check_only": "1"}):
        response = ops.post(IMPORT, data)
        assert response.status_code == 200
        errors = response.context["errors"]
        assert [(e.row, e.column) for e in errors] == [(4, "Domain")]
        assert "already on row 2" in errors[0].message
    assert set(accounts(ours)) == {"contoso.example"}


@pytest.mark.django_db
def test_the_template_has_the_import_headings(ops):
    response = ops.get(IMPORT + "template/")
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    assert body.strip().replace('"', "") == "Domain,Company name,Account owner,Type"


@pytest.mark.django_db
def test_an_export_of_the_list_can_be_imported_again(ours, existing, ops):
    exported = b"".join(ops.get(LIST + "export/").streaming_content).decode("utf-8")
    response = ops.post(IMPORT, {"file": upload(exported.lstrip("\ufeff")), "check_only": "1"})
    assert response.status_code == 200
    assert response.context["checked"] == 1
    assert len(response.context["plan"].updated) == 1


@pytest.mark.django_db
def test_saving_an_account_in_the_form_stores_its_matching_keys(ours, ops):
    response = ops.post(
        LIST + "add/",
        {"name": "Northwind Traders Inc.", "domain": "https://shop.northwind.example/x",
         "kind": "customer", "owner": ""},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        account = ProtectedAccount.objects.get(tenant=ours.tenant)
    assert account.domain == "northwind.example"
    assert account.name_core == "northwind traders"
    assert account.name_key
    taken = ops.post(
        LIST + "add/",
        {"name": "Northwind 2", "domain": "northwind.example", "kind": "direct", "owner": ""},
    )
    assert taken.status_code == 200
    assert "Another protected account has the domain" in taken.content.decode()


@pytest.mark.django_db
def test_only_members_who_manage_deal_registration_see_protected_accounts(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get(LIST).status_code == 403
    assert cam.get(IMPORT).status_code == 403
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get(LIST).content.decode()
    assert "Import them from your CRM" in page  # the empty state says what to do
