"""What an uploaded file is, checked by its content, its size and, for an image, its pixels.

A file name and a content type are what the client says; the first bytes are what the file is.
`sniff` names the kind from those bytes, `check_upload` refuses a file whose kind, size or
pixel count its `UploadRule` does not allow. An image's width and height come from its header
(Pillow reads it when the file is opened and decodes pixels only when asked), so a 24 KB PNG
that claims 20000 × 10000 pixels — 200 million once decoded — is refused having cost a few
bytes of reading, and so is every image above the rule's limit.
"""

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from prm.figures import format_file_size

Label = str | Promise

KB = 1024
MB = 1024 * KB
#: how much of a file `sniff` looks at
HEAD = 2048


@dataclass(frozen=True)
class Kind:
    """A kind of file, known by its first bytes."""

    name: str
    mime: str
    matches: Callable[[bytes], bool]
    #: Pillow's name for the format, for the kinds that are images
    image_format: str | None = None


KINDS = [
    Kind("png", "image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), "PNG"),
    Kind("jpeg", "image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff"), "JPEG"),
    Kind("webp", "image/webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", "WEBP"),
    Kind("gif", "image/gif", lambda h: h[:6] in (b"GIF87a", b"GIF89a"), "GIF"),
    Kind("pdf", "application/pdf", lambda h: h.startswith(b"%PDF-")),
    # Office documents (docx, xlsx, pptx) are zip archives.
    Kind("zip", "application/zip", lambda h: h.startswith(b"PK\x03\x04")),
    # Anything else without a NUL byte (an empty file too); whether it is the right text
    # (UTF-8, CSV) is the reader's business.
    Kind("text", "text/plain", lambda h: b"\x00" not in h),
]
KIND_BY_NAME = {k.name: k for k in KINDS}


#: the name endings each kind of file goes by (a rule with `names_match_kind` asks for one)
EXTENSIONS_OF_KIND: dict[str, frozenset[str]] = {
    "png": frozenset({".png"}),
    "jpeg": frozenset({".jpg", ".jpeg"}),
    "webp": frozenset({".webp"}),
    "gif": frozenset({".gif"}),
    "pdf": frozenset({".pdf"}),
    "office": frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}),
    "zip": frozenset({".zip"}),
    "text": frozenset({".csv", ".txt"}),
}
#: the content type a file is served with, by its name ending (else its kind's)
CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".csv": "text/csv",
}


def office_kind(upload: UploadedFile) -> str:
    """ "office" for a zip archive that is an office document, else "zip".

    An Office Open XML document (docx, xlsx, pptx) lists `[Content_Types].xml`, an OpenDocument
    (odt, ods, odp) a `mimetype` entry; both are read from the archive's directory at its end,
    nothing is decompressed. A macro-enabled document (`vbaProject.bin`, which a docm/xlsm
    carries under any name) is not an office document here: it runs code when opened.
    """
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "zip"
    finally:
        upload.seek(0)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "zip"
    return "office" if "[Content_Types].xml" in names or "mimetype" in names else "zip"


def sniff(head: bytes) -> str | None:
    """The name of the kind of file that starts with `head` (None: unknown or binary)."""
    return next((k.name for k in KINDS if k.matches(head)), None)


@dataclass(frozen=True)
class UploadRule:
    """What a file field accepts. Declare one per kind of upload and give it to an
    `UploadField` (and, for a view that reads files itself, to `check_upload`)."""

    #: names of the accepted `KINDS`
    kinds: frozenset[str]
    max_bytes: int
    #: the message for a file of another kind: says what to upload
    wrong_kind: Label
    #: accepted name endings, lower case with the dot (empty: the content alone decides)
    extensions: frozenset[str] = frozenset()
    wrong_extension: Label | None = None
    #: for images: the longest side and the most pixels, checked before decoding
    max_side: int | None = None
    max_pixels: int | None = None
    #: the file input's `accept` attribute; empty: the kinds' types
    accept: str = ""
    #: the name must end as its kind's files do (`EXTENSIONS_OF_KIND`: a PDF named .pdf, a
    #: spreadsheet .xlsx), so that the name a download is saved under opens what it holds
    names_match_kind: bool = False

    def accept_attribute(self) -> str:
        if self.accept:
            return self.accept
        types = [k.mime for k in KINDS if k.name in self.kinds]
        return ",".join([*sorted(self.extensions), *types])


IMAGE = UploadRule(
    kinds=frozenset({"png", "jpeg", "webp"}),
    max_bytes=5 * MB,
    wrong_kind=gettext_lazy("Upload a PNG, JPEG or WebP image."),
    max_side=4000,
    max_pixels=16_000_000,
)
DOCUMENT = UploadRule(
    kinds=frozenset({"pdf", "png", "jpeg", "webp"}),
    max_bytes=10 * MB,
    wrong_kind=gettext_lazy("Upload a PDF document or a PNG, JPEG or WebP image."),
    max_pixels=IMAGE.max_pixels,
)
#: what business documents are sent as: a quote, a purchase order, a price list (PDF, images,
#: Office and OpenDocument files without macros, CSV); narrow its size per use
BUSINESS_DOCUMENT = UploadRule(
    kinds=frozenset({"pdf", "png", "jpeg", "webp", "office", "text"}),
    max_bytes=10 * MB,
    wrong_kind=gettext_lazy(
        "Upload a PDF, an image (PNG, JPEG, WebP), an Office or OpenDocument file (without "
        "macros) or a CSV file."
    ),
    extensions=frozenset().union(
        *(EXTENSIONS_OF_KIND[k] for k in ("pdf", "png", "jpeg", "webp", "office")),
        {".csv"},
    ),
    wrong_extension=gettext_lazy(
        "Upload a file ending in .pdf, .png, .jpg, .webp, .docx, .xlsx, .pptx, .odt, .ods, "
        ".odp or .csv."
    ),
    max_pixels=IMAGE.max_pixels,
    names_match_kind=True,
)


class RefusedUpload(UploadedFile):
    """What a form receives for a file its upload handler stopped storing because it was
    larger than `limit` (`prm.uploads.handler`): a name and nothing else.

    Its size is 0, so that even a plain `FileField` refuses it ("empty"); an `UploadField`
    says that it was too large.
    """

    def __init__(self, *, name: str, content_type: str, limit: int) -> None:
        super().__init__(BytesIO(b""), name=name, content_type=content_type, size=0)
        self.limit = limit


@dataclass(frozen=True)
class Checked:
    kind: str
    size: int
    width: int | None = None
    height: int | None = None
    #: what to serve the file as: by its (checked) name ending, else its kind
    content_type: str = "application/octet-stream"


def _number(value: float) -> str:
    """`2`, `1.5` (one decimal at most), in the active language's number format."""
    rounded = round(value, 1)
    return formats.number_format(int(rounded) if rounded.is_integer() else rounded)


def size_label(size: int) -> str:
    """`2 MB`, `500 KB`, `1000 bytes` (`prm.figures.format_file_size`)."""
    return format_file_size(size)


def too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is too large: at most %(size)s.") % {"size": size_label(limit)},
        code="upload_too_large",
    )


def _too_many_pixels(rule: UploadRule, size: tuple[int, int] | None) -> ValidationError:
    """What the limit is, and the image's size when its header could be read."""
    values = {
        "side": rule.max_side or 0,
        "count": _number((rule.max_pixels or 0) / 1e6),
        "width": size[0] if size else 0,
        "height": size[1] if size else 0,
    }
    # name the limit the image broke (for a bomb, whose size Pillow refused to give, the side)
    by_side = rule.max_side is not None and (size is None or max(size) > rule.max_side)
    if by_side and size is None:
        message = _("The image is too large: at most %(side)d × %(side)d pixels.")
    elif by_side:
        message = _(
            "The image is too large: at most %(side)d × %(side)d pixels "
            "(this one is %(width)d × %(height)d)."
        )
    elif size is None:
        message = _("The image is too large: at most %(count)s megapixels.")
    else:
        message = _(
            "The image is too large: at most %(count)s megapixels "
            "(this one is %(width)d × %(height)d)."
        )
    return ValidationError(message % values, code="upload_too_many_pixels")


def _length(upload: UploadedFile) -> int:
    """The bytes actually received: a client's claimed size counts for nothing."""
    upload.seek(0, os.SEEK_END)
    length = upload.tell()
    upload.seek(0)
    return length


def _image_size(upload: UploadedFile, kind: Kind, rule: UploadRule) -> tuple[int, int]:
    """Width and height from the image's header; no pixel is decoded here."""
    upload.seek(0)
    try:
        # `formats`: only the decoder of the kind the first bytes announced may read it.
        with Image.open(upload, formats=[kind.image_format or ""]) as image:
            return image.size
    except Image.DecompressionBombError as exc:
        # Pillow refuses outright past twice its own limit (about 179 million pixels).
        raise _too_many_pixels(rule, None) from exc
    except Exception as exc:
        # Any failure to read a header is a file that is not the image it starts like;
        # Pillow raises a variety of errors (OSError, SyntaxError, ValueError, struct.error).
        raise ValidationError(str(rule.wrong_kind), code="upload_wrong_kind") from exc
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile, rule: UploadRule) -> Checked:
    """The kind, size (and an image's width and height) of `upload`, if `rule` allows them.

    Checked in this order, each with a message for the member: refused by the upload handler
    (too large), name ending, size (what was received, not what the client claims), kind by
    the first bytes, and for an image its pixels from the header. Decodes no image.
    Raises `ValidationError`; leaves the file at its start.
    """
    if isinstance(upload, RefusedUpload):
        raise too_large(upload.limit)
    if rule.extensions:
        extension = os.path.splitext(upload.name or "")[1].lower()
        if extension not in rule.extensions:
            raise ValidationError(
                str(rule.wrong_extension or rule.wrong_kind), code="upload_wrong_extension"
            )
    size = _length(upload)
    if size > rule.max_bytes:
        raise too_large(rule.max_bytes)
    head = upload.read(HEAD)
    upload.seek(0)
    name = sniff(head)
    if name == "zip" and "office" in rule.kinds:
        name = office_kind(upload)
    if name is None or name not in rule.kinds:
        raise ValidationError(str(rule.wrong_kind), code="upload_wrong_kind")
    extension = os.path.splitext(upload.name or "")[1].lower()
    if rule.names_match_kind and extension not in EXTENSIONS_OF_KIND.get(name, ()):
        raise ValidationError(
            _("The file's name does not match what it holds: its name should end in %(endings)s.")
            % {"endings": ", ".join(sorted(EXTENSIONS_OF_KIND.get(name, ())))},
            code="upload_name_mismatch",
        )
    kind = KIND_BY_NAME.get(name)
    content_type = CONTENT_TYPES.get(extension) or (kind.mime if kind else "")
    if kind is None or kind.image_format is None:
        return Checked(
            kind=name, size=size, content_type=content_type or "application/octet-stream"
        )
    width, height = _image_size(upload, kind, rule)
    if (rule.max_side is not None and max(width, height) > rule.max_side) or (
        rule.max_pixels is not None and width * height > rule.max_pixels
    ):
        raise _too_many_pixels(rule, (width, height))
    return Checked(kind=name, size=size, width=width, height=height, content_type=content_type)
