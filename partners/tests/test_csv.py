"""Partners in and out as CSV: the export shows what the list shows, the import is all or none."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from partners import imports
from partners.admin.companies import PartnerAdmin
from partners.models import Partner, PartnerType
from partners.tests.factories import PartnerFactory
from prm.audit.models import AuditEvent
from prm.csvio.importing import Row, RowErrors
from prm.tenancy.roles import Role

EXPORT = "/admin/partners/partner/export/"
IMPORT = "/admin/partners/partner/import/"
HEADER = (
    "Name,Type,Tier,Status,Country,Region,Industry,Size,Website,Domain,Joined on,CAMs,Active users"
)


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def names_in(response) -> list[str]:
    return [r[0] for r in rows_of(response)[1:]]


def upload(text: str, name: str = "partners.csv", content_type: str = "text/csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type=content_type)


def partner_names(world) -> set[str]:
    with scope(tenant=world.tenant):
        return set(Partner.objects.filter(tenant=world.tenant).values_list("name", flat=True))


# Export


@pytest.mark.django_db
def test_the_export_has_human_columns_and_only_this_tenants_partners(ours, theirs, host_client):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(
            partner_type=ours.partner_type,
            tier=ours.tier,
            country="DE",
            region="emea",
            industry="software",
            size_band="51-200",
            joined_on=date(2024, 3, 1),
        )
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = leader.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="ours-partners-{timezone.localdate().isoformat()}.csv"'
    )
    header, *rows = rows_of(response)
    assert ",".join(header) == HEADER
    assert rows == [
        [
            "ours partner A",
            "Reseller",
            "Silver",
            "Active",
            "Germany",
            "Europe, Middle East and Africa",
            "Software and IT services",
            "51 to 200 employees",
            "https://pA.example",
            "pa.example",
            "2024-03-01",
            ours.members[Role.CAM].user.email,
            "2",  # the partner admin and rep
        ],
        ["ours partner B", "", "", "Active", "", "", "", "", "https://pB.example",
         "pb.example", "", "", "2"],
    ]  # fmt: skip
    assert theirs.partner.name not in str(rows)


@pytest.mark.django_db
def test_the_export_follows_the_lists_filters_search_and_order(ours, host_client):
    with scope(tenant=ours.tenant):
        PartnerFactory(tenant=ours.tenant, name="Zeta inactive", status="inactive")
        PartnerFactory(tenant=ours.tenant, name="Alpha inactive", status="inactive")
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert names_in(leader.get(EXPORT, {"status__exact": "inactive"})) == [
        "Alpha inactive",
        "Zeta inactive",
    ]
    assert names_in(leader.get(EXPORT, {"status__exact": "inactive", "o": "-0"})) == [
        "Zeta inactive",
        "Alpha inactive",
    ]
    assert names_in(leader.get(EXPORT, {"q": "partner B"})) == [ours.other_partner.name]
    cam_id = ours.members[Role.CAM].user_id
    assert names_in(leader.get(EXPORT, {"cam": cam_id})) == [ours.partner.name]
    # A page number of the list does not cut the export to that page.
    assert len(names_in(leader.get(EXPORT, {"p": "1"}))) == 4
    # A filter value the list cannot use sends the member back to the list, as the list does.
    broken = leader.get(EXPORT, {"partner_type__id__exact": "abc"})
    assert (broken.status_code, broken["Location"]) == (302, "/admin/partners/partner/?e=1")


@pytest.mark.django_db
def test_the_list_links_to_an_export_of_what_it_shows(ours, host_client):
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get("/admin/partners/partner/", {"status__exact": "active", "p": "1"})
    assert f'href="{EXPORT}?status__exact=active"' in page.content.decode()
    assert f'href="{IMPORT}"' in page.content.decode()


@pytest.mark.django_db
def test_a_cam_exports_only_their_partners_and_cannot_import(ours, host_client):
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert names_in(cam.get(EXPORT)) == [ours.partner.name]
    assert names_in(cam.get(EXPORT, {"q": "partner B"})) == []
    page = cam.get("/admin/partners/partner/").content.decode()
    assert 'id="csv-export"' in page
    assert 'id="csv-import"' not in page
    assert cam.get(IMPORT).status_code == 403
    assert cam.get(f"{IMPORT}template/").status_code == 403
    refused = cam.post(IMPORT, {"file": upload("Name\nSneaky Ltd\n")})
    assert refused.status_code == 403
    assert "Sneaky Ltd" not in partner_names(ours)


@pytest.mark.django_db
def test_a_partner_name_cannot_become_a_formula_in_the_export(ours, host_client):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=ours.partner.pk).update(
            name='=HYPERLINK("https://evil.example","Click")', website=""
        )
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    [row] = [r for r in rows_of(leader.get(EXPORT))[1:] if "evil" in r[0]]
    assert row[0] == '\'=HYPERLINK("https://evil.example","Click")'


@pytest.mark.django_db
def test_an_export_is_audited_with_who_what_and_how_many(ours, host_client):
    cam = ours.members[Role.CAM]
    host_client(ours.host, cam).get(EXPORT, {"q": "partner"})
    with scope(tenant=ours.tenant):
        event = AuditEvent.objects.get(action="partners.partner.exported")
    assert event.actor == cam.user
    assert event.after["rows"] == 1
    assert event.after["filters"] == "q=partner"
    assert event.after["columns"][0] == "Name"


# Import


GOOD = (
    "Name,Type,Tier,Website,Country,Region,Industry,Size,Status,Joined on\n"
    "Northwind Solutions,reseller,Silver,northwind.example,Germany,emea,Software and IT services,"
    "51-200,Active,2024-03-01\n"
    "Contoso,,,,DE,,,,,\n"
    "Fabrikam,Reseller,,https://www.fabrikam.co.uk/about,GBR,Asia Pacific,retail,1000+,"
    "inactive,\n"
)


@pytest.mark.django_db
def test_the_import_page_explains_the_columns_with_this_tenants_types(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        PartnerType.objects.create(tenant=theirs.tenant, name="Theirs-only type")
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = ops.get(IMPORT).content.decode()
    assert "Use one of: “Reseller”." in page
    assert "Theirs-only type" not in page
    assert "Domain, CAMs, Active users are skipped" in page
    template = ops.get(f"{IMPORT}template/")
    assert template["Content-Disposition"] == (
        'attachment; filename="ours-partners-import-template.csv"'
    )
    assert rows_of(template) == [
        ["Name", "Type", "Tier", "Website", "Country", "Region", "Industry", "Size", "Status",
         "Joined on"]
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_good_file_imports_every_row_in_one_audited_event(
    ours, host_client, django_capture_on_commit_callbacks
):
    ops = ours.members[Role.PARTNER_OPS]
    with django_capture_on_commit_callbacks(execute=True):
        response = host_client(ours.host, ops).post(IMPORT, {"file": upload(GOOD)}, follow=True)
    assert "3 partners imported." in response.content.decode()
    with scope(tenant=ours.tenant):
        northwind = Partner.objects.get(tenant=ours.tenant, name="Northwind Solutions")
        contoso = Partner.objects.get(tenant=ours.tenant, name="Contoso")
        fabrikam = Partner.objects.get(tenant=ours.tenant, name="Fabrikam")
        event = AuditEvent.objects.get(action="partners.partner.imported")
    assert (northwind.partner_type, northwind.tier, northwind.status) == (
        ours.partner_type,
        ours.tier,
        "active",
    )
    assert (northwind.website, northwind.domain) == (
        "https://northwind.example",
        "northwind.example",
    )
    assert (northwind.country.code, northwind.region, northwind.industry, northwind.size_band) == (
        "DE",
        "emea",
        "software",
        "51-200",
    )
    assert northwind.joined_on == date(2024, 3, 1)
    assert (contoso.status, contoso.partner_type, contoso.country.code) == (
        "onboarding",
        None,
        "DE",
    )
    assert (fabrikam.domain, fabrikam.country.code, fabrikam.region) == (
        "fabrikam.co.uk",
        "GB",
        "apac",
    )
    assert event.actor == ops.user
    assert event.after == {
        "count": 3,
        "file": "partners.csv",
        "names": ["Northwind Solutions", "Contoso", "Fabrikam"],
    }


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_and_is_reported_by_row_and_column(ours, host_client):
    bad = GOOD + "Globex,Reseller,,not a website,,,,,,\n"
    before = partner_names(ours)
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload(bad)}
    )
    assert response.status_code == 200
    assert response.context["errors"] == [
        imports.RowError(5, "Website", "Enter a valid URL."),
    ]
    html = response.content.decode()
    assert "Nothing was imported: the file has 1 problem." in html
    assert "<td>5</td><td>Website</td><td>Enter a valid URL.</td>" in html
    assert partner_names(ours) == before
    with scope(tenant=ours.tenant):
        assert not AuditEvent.objects.filter(action="partners.partner.imported").exists()


@pytest.mark.django_db
def test_every_problem_of_every_row_is_listed(ours, host_client):
    bad = (
        "Name,Type,Country,Region,Status,Joined on\n"
        ",Reseller,DE,,,\n"
        "Acme,Distributor,Atlantis,Mars,sleeping,31/31/2024\n"
    )
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload(bad)}
    )
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (2, "Name"),
        (3, "Type"),
        (3, "Country"),
        (3, "Region"),
        (3, "Status"),
        (3, "Joined on"),
    ]
    messages = [e.message for e in response.context["errors"]]
    assert messages[0] == "This field is required."
    assert messages[1] == "“Distributor” is not one of the choices. Use one of: “Reseller”."


@pytest.mark.django_db
def test_names_must_be_new_in_the_program_and_once_in_the_file(ours, host_client):
    dupes = f"Name\nNew One\n{ours.partner.name.upper()}\nnew one\n"
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload(dupes)}
    )
    assert [(e.row, e.message) for e in response.context["errors"]] == [
        (3, f"A partner named “{ours.partner.name}” already exists."),
        (4, "“new one” is already on row 2."),
    ]
    assert "New One" not in partner_names(ours)


@pytest.mark.django_db
def test_another_tenants_types_and_tiers_cannot_be_used(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        PartnerType.objects.create(tenant=theirs.tenant, name="Theirs-only type")
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload("Name,Type\nAcme,Theirs-only type\n")}
    )
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Type")]
    assert "Acme" not in partner_names(ours)


@pytest.mark.django_db
def test_the_import_service_refuses_a_type_of_another_tenant(ours, theirs):
    ops = ours.members[Role.PARTNER_OPS]
    row = Row(2, {**_values("Acme"), "partner_type": theirs.partner_type})
    with scope(tenant=ours.tenant), pytest.raises(RowErrors) as exc:
        imports.partners_import(actor=ops, rows=[row], filename="x.csv")
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "Type")]
    assert "Acme" not in partner_names(ours)


@pytest.mark.django_db
def test_the_import_service_needs_partners_manage(ours):
    with scope(tenant=ours.tenant), pytest.raises(PermissionDenied):
        imports.partners_import(
            actor=ours.members[Role.CAM], rows=[Row(2, _values("Acme"))], filename="x.csv"
        )


@pytest.mark.django_db
def test_a_name_taken_between_check_and_insert_imports_nothing(ours, monkeypatch):
    # Another request saved the same name after the check: the constraint stops the whole file.
    monkeypatch.setattr(imports, "partners_import_check", lambda **kwargs: [])
    rows = [Row(2, _values("Brand new")), Row(3, _values(ours.partner.name))]
    with scope(tenant=ours.tenant), pytest.raises(RowErrors) as exc:
        imports.partners_import(actor=ours.members[Role.PARTNER_OPS], rows=rows, filename="x")
    assert "was just created" in exc.value.errors[0].message
    assert "Brand new" not in partner_names(ours)


def _values(name: str) -> dict:
    return {
        "name": name,
        "partner_type": None,
        "tier": None,
        "website": "",
        "country": "",
        "region": "",
        "industry": "",
        "size_band": "",
        "status": "onboarding",
        "joined_on": None,
    }


@pytest.mark.django_db
def test_check_only_reports_a_good_file_and_imports_nothing(ours, host_client):
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload(GOOD), "check_only": "Check only"}
    )
    assert response.status_code == 200
    assert "The file is fine: 3 rows can be imported." in response.content.decode()
    assert "Contoso" not in partner_names(ours)


@pytest.mark.django_db
def test_an_excel_file_with_bom_and_semicolons_imports(ours, host_client):
    excel = "\ufeffName;Country;Website\r\nMüller GmbH;Deutschland;https://mueller.example\r\n"
    ours.tenant.language = "de"
    ours.tenant.save()
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload(excel, content_type="application/vnd.ms-excel")}
    )
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert Partner.objects.get(tenant=ours.tenant, name="Müller GmbH").country.code == "DE"


@pytest.mark.django_db
def test_a_file_exported_from_one_program_imports_into_another(ours, theirs, host_client):
    exported = host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(EXPORT)
    body = b"".join(exported.streaming_content)
    response = host_client(theirs.host, theirs.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": SimpleUploadedFile("x.csv", body, content_type="text/csv")}
    )
    assert response.status_code == 302
    assert {ours.partner.name, ours.other_partner.name} <= partner_names(theirs)


@pytest.mark.parametrize(
    ("name", "content_type", "content", "message"),
    [
        ("partners.xlsx", "text/csv", b"Name\nA\n", "Upload a .csv file."),
        ("partners.csv", "application/pdf", b"Name\nA\n", "This file is not a CSV file"),
        ("partners.csv", "text/csv", "Name\nZoë\n".encode("cp1252"), "The file is not UTF-8"),
        ("partners.csv", "text/csv", b"Name\n" + b"A" * (2 * 1024 * 1024), "too large"),
        ("partners.csv", "text/csv", b"Name\n", "The file has no rows below its header."),
        ("partners.csv", "text/csv", b"Company\nA\n", "Unknown column “Company”."),
    ],
)
@pytest.mark.django_db
def test_uploads_are_checked_for_type_size_encoding_and_headings(
    ours, host_client, name, content_type, content, message
):
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": SimpleUploadedFile(name, content, content_type=content_type)}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert partner_names(ours) == {ours.partner.name, ours.other_partner.name}


@pytest.mark.django_db
def test_an_upload_over_the_row_limit_is_refused(ours, host_client, monkeypatch):
    monkeypatch.setattr(PartnerAdmin, "csv_import_max_rows", 2)
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(
        IMPORT, {"file": upload("Name\nA\nB\nC\n")}
    )
    assert "more than 2 rows" in " ".join(response.context["form"].errors["file"])


@pytest.mark.django_db
def test_checking_and_importing_cost_the_same_queries_for_10_or_200_rows(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    client.get(IMPORT)  # binds the session to the host

    def queries(prefix: str, n: int, **extra: str) -> int:
        lines = "".join(f"{prefix} {i},Reseller,Silver,https://p{i}.example,DE\n" for i in range(n))
        data = {"file": upload("Name,Type,Tier,Website,Country\n" + lines), **extra}
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(IMPORT, data).status_code in (200, 302)
        return len(ctx.captured_queries)

    assert queries("Check", 10, check_only="1") == queries("Check", 200, check_only="1")
    assert queries("Small", 10) == queries("Large", 200)
    assert len(partner_names(ours)) == 2 + 210


@pytest.mark.django_db
def test_posting_without_a_file_says_so(ours, host_client):
    response = host_client(ours.host, ours.members[Role.PARTNER_OPS]).post(IMPORT, {})
    assert response.context["form"].errors["file"] == ["This field is required."]
