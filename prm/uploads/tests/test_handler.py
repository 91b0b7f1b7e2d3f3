"""A file over its field's limit stops being stored once past the limit, and the member gets the
form back with the message beside the field.

`Counting` stands where Django's storing handlers (memory, temporary file) are: what it counts
is what would be kept of the file. Without the limit it would count the whole file.
"""

import os

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import RequestFactory
from django.urls import ResolverMatch
from django_scopes import scope

from partners.models import Partner
from prm.tenancy.roles import Role
from prm.uploads.checks import IMAGE, MB, RefusedUpload
from prm.uploads.fields import UploadField
from prm.uploads.handler import accepts_uploads, limit_for

#: what Django's multipart parser hands the handlers at a time
CHUNK = FileUploadHandler.chunk_size
HANDLERS = [
    "prm.uploads.handler.UploadLimitHandler",
    "prm.uploads.tests.test_handler.Counting",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


class Counting(FileUploadHandler):
    """Stands between the limit and the storing handlers: counts what reaches them."""

    stored: dict[str, int] = {}

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        Counting.stored[field_name] = 0

    def receive_data_chunk(self, raw_data, start):
        Counting.stored[self.field_name] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def stored(settings):
    settings.FILE_UPLOAD_HANDLERS = HANDLERS
    Counting.stored = {}
    return Counting.stored


def big_file(name: str, size: int, head: bytes = b"\x89PNG\r\n\x1a\n", content_type="image/png"):
    return SimpleUploadedFile(name, head + os.urandom(size - len(head)), content_type=content_type)


@pytest.mark.django_db
def test_a_logo_over_the_limit_is_not_stored_and_refused_beside_the_field(
    ours, host_client, stored
):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    before = ours.tenant.logo.name
    response = client.post(
        f"/admin/tenancy/tenantsettings/{ours.tenant.pk}/change/",
        {
            "portal_title": "Kept in the form",
            "primary_colour": "#0a0b0c",
            "accent_colour": ours.tenant.accent_colour,
            "support_email": ours.tenant.support_email,
            "default_currency": ours.tenant.default_currency,
            "language": ours.tenant.language,
            "time_zone": ours.tenant.time_zone,
            "fiscal_year_start": ours.tenant.fiscal_year_start,
            "invitation_reminder_days": ours.tenant.invitation_reminder_days,
            "digest_hour": ours.tenant.digest_hour,
            "sla_target_percent": ours.tenant.sla_target_percent,
            "logo": big_file("logo.png", 3 * MB),
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["logo"] == ["The file is too large: at most 1 MB."]
    assert form["portal_title"].value() == "Kept in the form"
    assert 1 * MB - CHUNK < stored["logo"] <= 1 * MB
    ours.tenant.refresh_from_db()
    assert ours.tenant.logo.name == before
    assert ours.tenant.primary_colour != "#0a0b0c"


@pytest.mark.parametrize(
    "url", ["/admin/partners/partner/import/", "/admin/deals/protectedaccount/import/"]
)
@pytest.mark.django_db
def test_a_csv_file_over_the_limit_is_not_stored_and_refused_beside_the_field(
    ours, host_client, stored, url
):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    upload = big_file("big.csv", 5 * MB, b"Name\nA\n", "text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is too large: at most 2 MB."]
    assert 2 * MB - CHUNK < stored["file"] <= 2 * MB
    with scope(tenant=ours.tenant):
        assert Partner.objects.filter(tenant=ours.tenant).count() == 2


class TwoFiles(forms.Form):
    image = UploadField(rule=IMAGE)


def view(request):
    raise AssertionError("not called")


def parsed(settings, tmp_path, *, limits, data, memory_size=5 * MB):
    """The files and fields of a multipart request to a view declaring `limits`."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = memory_size
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    request = RequestFactory().post("/upload/", data)
    request.resolver_match = ResolverMatch(accepts_uploads(**limits)(view), (), {})
    return request.FILES, request.POST


@pytest.mark.parametrize("memory_size", [5 * MB, 1024], ids=["in memory", "temporary file"])
def test_the_handler_stops_storing_at_the_limit_and_keeps_the_other_fields(
    settings, tmp_path, stored, memory_size
):
    files, post = parsed(
        settings,
        tmp_path,
        limits={"small": 100_000},
        data={
            "small": big_file("a.png", 300_000),
            "other": big_file("b.png", 300_000),
            "after": "still here",
        },
        memory_size=memory_size,
    )
    assert isinstance(files["small"], RefusedUpload)
    assert files["small"].limit == 100_000
    assert files["small"].size == 0
    assert 100_000 - CHUNK < stored["small"] <= 100_000
    # a field without a declared limit gets UPLOAD_MAX_BYTES; the fields after arrive
    assert files["other"].size == 300_000
    assert stored["other"] == 300_000
    assert post["after"] == "still here"
    # what the storing handler had kept of the refused file is gone (the other is still open)
    assert len(os.listdir(tmp_path)) == (0 if memory_size > 1024 else 1)


def test_a_view_declares_limits_by_form_or_by_field_and_a_formset_field_finds_its_own(settings):
    settings.UPLOAD_MAX_BYTES = 7 * MB
    request = RequestFactory().post("/")
    declared = accepts_uploads(TwoFiles, other=1234)(view)
    request.resolver_match = ResolverMatch(declared, (), {})
    assert limit_for(request, "image") == IMAGE.max_bytes
    assert limit_for(request, "form-0-image") == IMAGE.max_bytes
    assert limit_for(request, "other") == 1234
    assert limit_for(request, "undeclared") == 7 * MB
    request.resolver_match = None
    assert limit_for(request, "image") == 7 * MB
