"""Validators for tenant branding: values that end up in CSS, an <img> or an email header must
be inert."""

import io
import re
import unicodedata
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from prm.uploads.checks import IMAGE, KIND_BY_NAME, check_upload

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

#: what a logo may be: PNG, JPEG or WebP, at most TENANT_LOGO_MAX_BYTES and 2000 pixels a side
LOGO = replace(IMAGE, max_bytes=settings.TENANT_LOGO_MAX_BYTES, max_side=2000)


def validate_hex_colour(value: str) -> None:
    """Accept only `#rrggbb`: anything else could break out of a CSS custom property."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter a colour as # followed by six hexadecimal digits, for example #1f6feb."),
            code="invalid_colour",
        )


def validate_single_line(value: str) -> None:
    """Refuse line breaks and other control characters: the value goes into an email header
    (a sender's name), where a line break would start a header of the sender's choosing."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value or ""):
        raise ValidationError(
            _("Use one line of ordinary text (no line breaks or control characters)."),
            code="not_single_line",
        )


def reencode_logo(upload: UploadedFile) -> ContentFile:
    """Check an uploaded logo against `LOGO` and return it re-encoded as PNG.

    The check (`prm.uploads.checks.check_upload`: kind by content, size, pixels from the
    header) comes before any pixel is decoded, so an image too large to decode safely never is.
    Re-encoding drops metadata and anything appended to the image data, so the stored file is
    exactly an image. Raises `ValidationError` with a message for the field.
    """
    checked = check_upload(upload, LOGO)
    # only the decoder of the kind the content announced may read it
    formats = [KIND_BY_NAME[checked.kind].image_format or ""]
    try:
        upload.seek(0)
        image = Image.open(upload, formats=formats)
        image.verify()  # detects truncated or corrupt files
        upload.seek(0)
        image = Image.open(upload, formats=formats)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(str(LOGO.wrong_kind), code="logo_not_image") from exc
    clean = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")
