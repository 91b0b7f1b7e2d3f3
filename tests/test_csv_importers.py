"""Every CSV import refuses a malformed file as a whole, naming the row, and imports nothing.

A file whose quoting is broken (a quote that never closes swallows the rest of its line, or of
the file) or whose rows do not have as many values as the header has columns cannot be read
the way its author meant: importing what the reader makes of it saves wrong rows without a
word. The check lives in the one CSV reader (`prm.csvio.reading.split_rows`); this suite posts
the same malformed files to every import page of the admin UI, and `IMPORTERS` must list every
model admin with an "Import CSV" button.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django_scopes import scope

from deals.models import ProtectedAccount
from partners.models import Partner
from prm.csvio.admin import CsvImportMixin
from prm.tenancy.roles import Role
from prm.workspace.sites import tenant_admin_site


@dataclass(frozen=True)
class Importer:
    url: str
    model: type[models.Model]
    #: a header of three columns, and a row of it that imports
    header: str
    good: str
    #: the member who imports
    role: Role = Role.PARTNER_OPS


IMPORTERS = {
    "partners.partner": Importer(
        url="/admin/partners/partner/import/",
        model=Partner,
        header="Name,Type,Country",
        good="Good Partner,Reseller,DE",
    ),
    "deals.protectedaccount": Importer(
        url="/admin/deals/protectedaccount/import/",
        model=ProtectedAccount,
        header="Domain,Company name,Type",
        good="good.example,Good Company,direct",
    ),
}

#: (what is wrong, the bad line(s), words the message must hold); the bad row is row 3
MALFORMED: list[tuple[str, str, tuple[str, ...]]] = [
    ("an unclosed quote at the end", '"Broken,Reseller,DE', ("Row 3", "quote")),
    (
        "an unclosed quote before other rows",
        '"Broken,Reseller,DE\nAfter,Reseller,FR\nLast,Reseller,IT',
        ("Row 3", "quote"),
    ),
    ("text after a closing quote", '"Broken" Ltd,Reseller,DE', ("Row 3", "quote")),
    ("too many values", "Acme, Inc,Reseller,DE", ("Row 3", "4 values", "3 columns")),
    ("too few values", "Acme Inc,Reseller", ("Row 3", "2 values", "3 columns")),
    ("one value", "Acme Inc", ("Row 3", "1 value", "3 columns")),
]


def count(model: type[models.Model], world: Any) -> int:
    with scope(tenant=world.tenant):
        return model.objects.filter(tenant=world.tenant).count()  # type: ignore[attr-defined]


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("import.csv", text.encode("utf-8"), content_type="text/csv")


def test_every_import_page_is_tested_here():
    with_import = {
        model._meta.label_lower
        for model, model_admin in tenant_admin_site._registry.items()
        if isinstance(model_admin, CsvImportMixin)
    }
    assert with_import == set(IMPORTERS)


@pytest.mark.parametrize("importer", IMPORTERS.values(), ids=IMPORTERS.keys())
@pytest.mark.django_db
def test_a_good_file_imports(ours, host_client, importer):
    before = count(importer.model, ours)
    client = host_client(ours.host, ours.members[importer.role])
    response = client.post(
        importer.url, {"file": csv_upload(f"{importer.header}\n{importer.good}\n")}
    )
    assert response.status_code == 302
    assert count(importer.model, ours) == before + 1


@pytest.mark.parametrize(("problem", "bad", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("importer", IMPORTERS.values(), ids=IMPORTERS.keys())
@pytest.mark.parametrize("check_only", [False, True], ids=["import", "check"])
@pytest.mark.django_db
def test_a_malformed_row_refuses_the_whole_file_with_its_row_number(
    ours, host_client, importer, problem, bad, words, check_only
):
    before = count(importer.model, ours)
    client = host_client(ours.host, ours.members[importer.role])
    data: dict[str, Any] = {"file": csv_upload(f"{importer.header}\n{importer.good}\n{bad}\n")}
    if check_only:
        data["check_only"] = "1"
    response = client.post(importer.url, data)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors.get("file", []))
    for word in words:
        assert word in message, (problem, message)
    assert count(importer.model, ours) == before
