"""Files attached to a registration: the partner attaches a quote or a purchase order while it is
open; the file is checked by content and size and stored privately; only the company's users
and vendor staff who see the registration download it; its uploader or the company's admin
deletes it, confirmed and audited."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from deals.models import Deal, DealAttachment
from deals.tests.factories import DealFactory
from prm.audit.models import AuditEvent
from prm.tenancy.roles import Role
from tests.worlds import SMALL_PDF, attachment_row

pytestmark = pytest.mark.django_db


def office_file(*, macros: bool = False) -> bytes:
    """A minimal spreadsheet in Office Open XML (with a macro project when asked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        if macros:
            archive.writestr("xl/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()


def stored_files(deal: Deal) -> list[Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "deals" / str(deal.tenant_id) / str(deal.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


def post_file(client, deal, content: bytes, name: str, kind: str = "quote", label: str = ""):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"/deals/{deal.pk}/files/", {"kind": kind, "label": label, "file": upload})


@pytest.fixture
def rep(ours):
    return ours.members[Role.PARTNER_REP]


@pytest.fixture
def rep_client(ours, rep, host_client):
    return host_client(ours.host, rep)


@pytest.fixture
def deal(ours, rep):
    """The rep's registration, waiting for a decision (the deals tests' world has none)."""
    with scope(tenant=ours.tenant):
        return DealFactory(
            partner=ours.partner, owner=rep, status=Deal.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )  # fmt: skip


@pytest.fixture
def attachment(ours, deal, rep):
    with scope(tenant=ours.tenant):
        return attachment_row(deal, rep, "ours-quote.pdf")


@pytest.fixture
def other_deal(ours):
    with scope(tenant=ours.tenant):
        return DealFactory(
            partner=ours.other_partner, owner=ours.other_partner_rep,
            status=Deal.Status.SUBMITTED, submitted_at=timezone.now(),
        )  # fmt: skip


@pytest.fixture
def other_attachment(ours, other_deal):
    with scope(tenant=ours.tenant):
        return attachment_row(other_deal, ours.other_partner_rep, "other-quote.pdf")


def test_a_rep_attaches_a_quote_stored_privately_and_listed_with_size_and_date(
    ours, rep, rep_client, deal, attachment
):
    deal = deal
    before = stored_files(deal)
    response = post_file(rep_client, deal, SMALL_PDF, "../Quote Q-17.pdf", label="Signed, v2")
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/#attachments"
    with scope(tenant=ours.tenant):
        attachment = DealAttachment.objects.filter(deal=deal).latest("id")
        assert attachment.name == "Quote_Q-17.pdf"  # no path, no spaces
        assert attachment.content_type == "application/pdf"
        assert attachment.size == len(SMALL_PDF)
        assert attachment.uploaded_by == rep
        # a random name in private storage, never under MEDIA_ROOT
        path = Path(attachment.file.path)
        assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
        assert Path(settings.MEDIA_ROOT) not in path.parents
        assert "Quote" not in path.name
        assert len(stored_files(deal)) == len(before) + 1
        event = AuditEvent.objects.filter(action="deals.attachment.added").latest("id")
        assert event.object_id == str(deal.pk)
        assert event.after["file"] == "Quote_Q-17.pdf"
    page = rep_client.get(f"/deals/{deal.pk}/").content.decode()
    assert "Quote_Q-17.pdf" in page
    assert "Signed, v2" in page
    assert f"{len(SMALL_PDF)} bytes" in page
    assert page.count(f'href="/deals/{deal.pk}/files/{attachment.pk}/"') == 1


def test_the_download_is_the_file_as_an_attachment_never_rendered(
    ours, rep_client, deal, attachment
):
    attachment = attachment
    response = rep_client.get(f"/deals/{deal.pk}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert attachment.name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_a_file_deleted_while_its_row_is_read_answers_404_not_a_server_error(
    ours, rep_client, host_client, deal, attachment
):
    """A concurrent delete removes the file between the view finding the row and opening it."""
    attachment.file.storage.delete(attachment.file.name)
    assert rep_client.get(f"/deals/{deal.pk}/files/{attachment.pk}/").status_code == 404
    cam = host_client(ours.host, ours.members[Role.CAM])
    url = f"/admin/deals/deal/{deal.pk}/files/{attachment.pk}/"
    assert cam.get(url).status_code == 404


def test_an_office_document_and_a_csv_are_accepted(ours, rep_client, deal):
    assert post_file(rep_client, deal, office_file(), "prices.xlsx").status_code == 302
    assert post_file(rep_client, deal, b"sku;qty\nA-1;3\n", "order.csv").status_code == 302
    with scope(tenant=ours.tenant):
        types = set(DealAttachment.objects.filter(deal=deal).values_list("content_type", flat=True))
    assert "text/csv" in types
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in types


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe", "Upload a file ending in .pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "quote.pdf", "Upload a PDF, an image"),
        (office_file(macros=True), "prices.xlsx", "without macros"),
        (b"<html><script>alert(1)</script></html>", "quote.pdf", "should end in .csv, .txt"),
        (SMALL_PDF, "quote.csv", "should end in .pdf"),
    ],
    ids=["executable", "executable-named-pdf", "macros", "html-named-pdf", "pdf-named-csv"],
)
def test_a_file_of_another_kind_is_refused_beside_the_field_and_nothing_stored(
    ours, rep_client, content, name, message, deal, attachment
):
    before = stored_files(deal)
    with scope(tenant=ours.tenant):
        rows = DealAttachment.objects.count()
    response = post_file(rep_client, deal, content, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="attachment-form"' in page
    assert "is-invalid" in page.split('id="attachment-form"')[1].split("</form>")[0]
    assert stored_files(deal) == before
    with scope(tenant=ours.tenant):
        assert DealAttachment.objects.count() == rows


def test_a_file_too_large_is_refused_beside_the_field_and_nothing_stored(ours, rep_client, deal):
    before = stored_files(deal)
    big = SMALL_PDF + b"0" * settings.DEAL_ATTACHMENT_MAX_BYTES
    response = post_file(rep_client, deal, big, "huge.pdf")
    assert response.status_code == 200
    assert "The file is too large: at most 10 MB." in response.content.decode()
    assert stored_files(deal) == before
    with scope(tenant=ours.tenant):
        assert not DealAttachment.objects.filter(name="huge.pdf").exists()


def test_a_closed_registration_takes_no_files_and_says_why(ours, rep_client, deal, attachment):
    with scope(tenant=ours.tenant):
        Deal.objects.filter(pk=deal.pk).update(
            status=Deal.Status.REJECTED, holds_claim=False, decided_at=timezone.now()
        )
    response = post_file(rep_client, deal, SMALL_PDF, "late.pdf")
    assert response.status_code == 302
    page = rep_client.get(response["Location"]).content.decode()
    assert "files can be attached or deleted only while it is open" in page
    assert 'id="attachment-form"' not in page
    with scope(tenant=ours.tenant):
        assert not DealAttachment.objects.filter(name="late.pdf").exists()
    # nor deleted
    response = rep_client.post(f"/deals/{deal.pk}/files/{attachment.pk}/delete/")
    with scope(tenant=ours.tenant):
        assert DealAttachment.objects.filter(pk=attachment.pk).exists()


def test_the_uploader_deletes_a_file_after_confirming_and_it_is_audited(
    ours, rep_client, django_capture_on_commit_callbacks, deal, attachment
):
    attachment = attachment
    path = Path(attachment.file.path)
    url = f"/deals/{deal.pk}/files/{attachment.pk}/delete/"
    confirm = rep_client.get(url).content.decode()
    assert f"Delete {attachment.name}?" in confirm
    assert "Yes, delete the file" in confirm
    assert path.exists()  # asking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(url)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert not DealAttachment.objects.filter(pk=attachment.pk).exists()
        event = AuditEvent.objects.filter(action="deals.attachment.deleted").latest("id")
        assert event.before["file"] == attachment.name
    assert not path.exists()


def test_the_companys_admin_deletes_a_reps_file_but_another_rep_cannot(
    ours, host_client, deal, attachment
):
    from prm.tenancy.tests.factories import partner_membership

    attachment = attachment
    url = f"/deals/{deal.pk}/files/{attachment.pk}/delete/"
    with scope(tenant=ours.tenant):
        # a teammate the registration was given to sees it, but did not attach the file
        teammate = partner_membership(ours.partner, Role.PARTNER_REP)
        Deal.objects.filter(pk=deal.pk).update(owner=teammate)
    response = host_client(ours.host, teammate).post(url)
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        assert DealAttachment.objects.filter(pk=attachment.pk).exists()
    admin = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert admin.post(url).status_code == 302
    with scope(tenant=ours.tenant):
        assert not DealAttachment.objects.filter(pk=attachment.pk).exists()


def test_another_partner_gets_404_on_download_and_delete(
    ours, host_client, deal, attachment, other_deal
):
    for member in (ours.other_partner_admin, ours.other_partner_rep):
        client = host_client(ours.host, member)
        base = f"/deals/{deal.pk}/files/{attachment.pk}/"
        assert client.get(base).status_code == 404
        assert client.get(f"{base}delete/").status_code == 404
        assert client.post(f"{base}delete/").status_code == 404
        # nor through their own registration's address
        mixed = f"/deals/{other_deal.pk}/files/{attachment.pk}/"
        assert client.get(mixed).status_code == 404
    with scope(tenant=ours.tenant):
        assert DealAttachment.objects.filter(pk=attachment.pk).exists()


def test_another_rep_of_the_same_company_gets_404(ours, host_client, deal, attachment):
    from prm.tenancy.tests.factories import partner_membership

    with scope(tenant=ours.tenant):
        teammate = partner_membership(ours.partner, Role.PARTNER_REP)
    client = host_client(ours.host, teammate)
    assert client.get(f"/deals/{deal.pk}/files/{attachment.pk}/").status_code == 404


def test_another_tenant_gets_404_and_anonymous_is_sent_to_sign_in(
    ours, theirs, host_client, deal, attachment
):
    base = f"/deals/{deal.pk}/files/{attachment.pk}/"
    # their members on their own host: our ids are not theirs
    client = host_client(theirs.host, theirs.members[Role.PARTNER_ADMIN])
    assert client.get(base).status_code == 404
    assert client.post(f"{base}delete/").status_code == 404
    staff = host_client(theirs.host, theirs.members[Role.PROGRAM_LEADER])
    admin_url = f"/admin/deals/deal/{deal.pk}/files/{attachment.pk}/"
    assert staff.get(admin_url).status_code == 404
    # anonymous: sign in first (as every page of the product), and nothing of the file
    for response in (host_client(ours.host).get(base), host_client(ours.host).get(admin_url)):
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    with scope(tenant=ours.tenant):
        assert DealAttachment.objects.filter(pk=attachment.pk).exists()


def test_vendor_staff_see_and_download_the_files_on_the_decision_screen(
    ours, host_client, deal, attachment
):
    cam = host_client(ours.host, ours.members[Role.CAM])
    screen = cam.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    url = f"/admin/deals/deal/{deal.pk}/files/{attachment.pk}/"
    assert f'href="{url}"' in screen
    assert attachment.name in screen
    response = cam.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_cam_not_assigned_to_the_partner_gets_404(
    ours, host_client, deal, attachment, other_attachment
):
    from prm.tenancy.tests.factories import MembershipFactory

    with scope(tenant=ours.tenant):
        stranger = MembershipFactory(tenant=ours.tenant, role=Role.CAM)
    client = host_client(ours.host, stranger)
    url = f"/admin/deals/deal/{deal.pk}/files/{attachment.pk}/"
    assert client.get(url).status_code == 404
    # and the world's other file through this registration's address
    other = f"/admin/deals/deal/{deal.pk}/files/{other_attachment.pk}/"
    assert host_client(ours.host, ours.members[Role.PROGRAM_LEADER]).get(other).status_code == 404


def test_a_registration_holds_at_most_the_configured_number_of_files(
    ours, rep_client, settings, deal
):
    settings.DEAL_ATTACHMENTS_PER_REGISTRATION = 2
    before = len(stored_files(deal))
    assert post_file(rep_client, deal, SMALL_PDF, "first.pdf").status_code == 302
    assert post_file(rep_client, deal, SMALL_PDF, "second.pdf").status_code == 302
    response = post_file(rep_client, deal, SMALL_PDF, "third.pdf")
    assert response.status_code == 200
    assert "A registration holds at most 2 files: delete one first." in response.content.decode()
    assert len(stored_files(deal)) == before + 2
