"""An upload is checked by its content, its size and, for an image, its size in pixels read from
the header before a single pixel is decoded."""

from dataclasses import replace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageFile

from prm.uploads.checks import DOCUMENT, IMAGE, RefusedUpload, UploadRule, check_upload, sniff
from prm.uploads.fields import UploadField

from .images import image_bytes, png_of

LOGO = replace(IMAGE, max_bytes=1024 * 1024, max_side=2000)
TEXT = UploadRule(
    kinds=frozenset({"text"}),
    max_bytes=1000,
    extensions=frozenset({".csv"}),
    wrong_kind="Not a text file.",
    wrong_extension="Upload a .csv file.",
)


def upload(content: bytes, name: str = "file.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def decoded(monkeypatch):
    """The sizes of the images whose pixels were decoded."""
    sizes: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def spy(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (image_bytes(image_format="PNG"), "png"),
        (image_bytes(image_format="JPEG"), "jpeg"),
        (image_bytes(image_format="WEBP"), "webp"),
        (image_bytes(image_format="GIF"), "gif"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
        ("Name;Größe\n".encode(), "text"),
        (b"Name\x00", None),
        (b"", "text"),
    ],
)
def test_the_kind_of_a_file_is_read_from_its_first_bytes(content, kind):
    assert sniff(content) == kind


def test_a_good_image_is_accepted_with_its_kind_and_size():
    checked = check_upload(upload(image_bytes((40, 20), "JPEG"), "logo.jpg"), LOGO)
    assert (checked.kind, checked.width, checked.height) == ("jpeg", 40, 20)


def test_a_decompression_bomb_is_refused_without_decoding_it(decoded):
    bomb = png_of(20000, 10000)
    assert len(bomb) < 30_000
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(bomb), LOGO)
    assert exc.value.messages == ["The image is too large: at most 2000 × 2000 pixels."]
    assert decoded == []


def test_an_image_over_the_pixel_limit_is_refused_before_its_pixels_are_decoded(decoded):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(png_of(9400, 9400)), LOGO)
    assert exc.value.messages == [
        "The image is too large: at most 2000 × 2000 pixels (this one is 9400 × 9400)."
    ]
    assert decoded == []
    with pytest.raises(ValidationError, match="at most 16 megapixels"):
        check_upload(upload(png_of(4000, 4001)), replace(IMAGE, max_side=None))
    assert decoded == []


@pytest.mark.parametrize(
    ("name", "content", "rule", "message"),
    [
        ("logo.png", image_bytes(image_format="GIF"), LOGO, IMAGE.wrong_kind),
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", LOGO, None),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, LOGO, None),  # magic, then garbage
        ("logo.jpg", image_bytes(image_format="PNG")[:8] + b"<html>", LOGO, None),
        ("accounts.csv", image_bytes(), TEXT, "Not a text file."),
        ("accounts.csv", b"PK\x03\x04" + b"\x00" * 30, TEXT, "Not a text file."),
        ("accounts.csv", b"%PDF-1.4\nName\n", TEXT, "Not a text file."),
        ("accounts.xlsx", b"Name\n", TEXT, "Upload a .csv file."),
        ("proof.exe", b"MZ\x90\x00", DOCUMENT, None),
    ],
)
def test_wrong_content_is_refused_whatever_the_name_says(name, content, rule, message):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(content, name), rule)
    assert exc.value.messages == [message or rule.wrong_kind]


def test_a_file_over_the_size_limit_is_refused_even_if_it_claims_less():
    big = upload(b"A" * 1001, "a.csv", "text/csv")
    big.size = 10  # what the client says does not count: what is read does
    with pytest.raises(ValidationError, match=r"The file is too large: at most 1,000 bytes\."):
        check_upload(big, TEXT)
    assert check_upload(upload(b"A" * 1000, "a.csv"), TEXT).kind == "text"


def test_an_upload_the_handler_stopped_is_refused_as_too_large():
    refused = RefusedUpload(name="big.png", content_type="image/png", limit=2 * 1024 * 1024)
    with pytest.raises(ValidationError, match=r"The file is too large: at most 2 MB\."):
        check_upload(refused, LOGO)


class LogoForm(forms.Form):
    logo = UploadField(rule=LOGO, required=False)


def test_the_form_field_puts_every_refusal_beside_the_field():
    refused = RefusedUpload(name="big.png", content_type="image/png", limit=1024 * 1024)
    for content, message in [
        (refused, "The file is too large: at most 1 MB."),
        (upload(png_of(20000, 10000)), "The image is too large: at most 2000 × 2000 pixels."),
        (upload(b"GIF89a"), IMAGE.wrong_kind),
    ]:
        form = LogoForm({}, {"logo": content})
        assert not form.is_valid()
        assert form.errors["logo"] == [message]
    good = LogoForm({}, {"logo": upload(image_bytes())})
    assert good.is_valid()
    assert LogoForm({}, {}).is_valid()
    assert 'accept="image/png,image/jpeg,image/webp"' in str(LogoForm()["logo"])


def _zip(*names: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (b"%PDF-1.7\n", "quote.pdf", "application/pdf"),
        (
            _zip("[Content_Types].xml", "word/document.xml"),
            "quote.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _zip("mimetype", "content.xml"),
            "prices.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (b"sku,qty\n", "order.csv", "text/csv"),
    ],
    ids=["pdf", "docx", "ods", "csv"],
)
def test_business_documents_are_known_by_content_and_served_as_their_type(
    content, name, content_type
):
    from prm.uploads.checks import BUSINESS_DOCUMENT

    checked = check_upload(upload(content, name), BUSINESS_DOCUMENT)
    assert checked.content_type == content_type


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (_zip("[Content_Types].xml", "xl/vbaProject.bin"), "prices.xlsx"),  # macros
        (_zip("readme.txt"), "prices.xlsx"),  # a zip, not an office document
        (b"%PDF-1.7\n", "quote.docx"),  # a name that hides what it is
        (b"<svg onload=alert(1)>", "logo.pdf"),
        (b"%PDF-1.7\n", "quote.exe"),
    ],
    ids=["macros", "plain-zip", "pdf-named-docx", "svg-named-pdf", "exe-name"],
)
def test_business_documents_refuse_macros_plain_archives_and_misleading_names(content, name):
    from prm.uploads.checks import BUSINESS_DOCUMENT

    with pytest.raises(ValidationError):
        check_upload(upload(content, name), BUSINESS_DOCUMENT)
